// The `outflow` executable: parses the command line, calls the one library entry of the
// command, and exits with the status it maps to. All logic lives in the library targets.

import Foundation

exit(CommandLineInterface.main(Array(CommandLine.arguments.dropFirst())))
