// The tool's version, as `outflow --version` and every manifest report it.

/// Tool-wide facts.
public enum Outflow {
    public static let version = "0.4.0"
}
