import Foundation

/// An image updater annotation that cannot be used: which setting (or annotation) and why. The image it
/// belongs to is skipped; the other images of the Application keep being updated.
public struct ImageSettingProblem: Error, Sendable, Equatable, CustomStringConvertible {
    public var setting: String
    public var message: String

    public init(setting: String, message: String) {
        self.setting = setting
        self.message = message
    }

    public var description: String { "\(setting): \(message)" }
}
