import ArgumentParser
import CamrecEngine

/// One `--trigger-on`: error-buffer, sequence-gap (or sequence-gap>=N), recorder-drop, or
/// interval>X ms (a frame interval above X milliseconds).
struct TriggerConditionArgument: ExpressibleByArgument, Sendable {
    var condition: TriggerCondition

    static let spellings = "error-buffer, sequence-gap, sequence-gap>=N, recorder-drop or interval>MSms"

    init?(argument: String) {
        let text = argument.lowercased().filter { $0 != " " }
        switch text {
        case "error-buffer": condition = .errorBuffer
        case "sequence-gap": condition = .sequenceGap(minimumMissing: 1)
        case "recorder-drop": condition = .recorderDrop
        default:
            if text.hasPrefix("sequence-gap>=") {
                guard let minimum = UInt32(text.dropFirst("sequence-gap>=".count)), minimum >= 1 else { return nil }
                condition = .sequenceGap(minimumMissing: minimum)
            } else if text.hasPrefix("interval>") {
                var number = text.dropFirst("interval>".count)
                if number.hasSuffix("ms") { number = number.dropLast(2) }
                guard !number.isEmpty, number.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == ".") }),
                      let milliseconds = Double(number), milliseconds > 0, milliseconds <= 3.6e6,
                      let nanoseconds = Int64(exactly: (milliseconds * 1e6).rounded()) else { return nil }
                condition = .intervalAbove(nanoseconds: nanoseconds)
            } else {
                return nil
            }
        }
    }
}
