// The `outflow` executable: hands the command line to the library and exits with the
// status it returns. All logic lives in OutflowKit.

import Foundation
import OutflowKit

exit(CommandLineInterface.main(Array(CommandLine.arguments.dropFirst())))
