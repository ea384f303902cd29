import Foundation
import Logging

/// Sets up the process-wide logging backend; the only place that does.
enum LogBootstrap {
    static func bootstrap(level: String) -> Logger {
        let logLevel = Logger.Level(rawValue: level.lowercased()) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = logLevel
            return handler
        }
        var logger = Logger(label: "switchyard")
        logger.logLevel = logLevel
        return logger
    }
}
