import ArgumentParser
import CamrecStore
import Foundation

struct Trigger: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Fire a trigger of a ring recording in progress (camrec record --ring), from another shell.",
        discussion: """
            Sends SIGUSR1 (with sigqueue, so the event says it came from camrec trigger) to the recorder \
            whose process id is in REC/recorder.pid, which it holds locked while it records. The ring \
            before this moment and --post after it are saved as a new event; `camrec info REC` lists the \
            events. `kill -USR1 PID` does the same as a plain signal trigger.

            Examples:
              camrec trigger soak.camrec
            """)

    @Argument(help: "The recording folder being recorded (NAME.camrec).")
    var recording: String

    func run() throws {
        guard FileManager.default.fileExists(atPath: recording) else {
            throw CommandFailure("\(recording) does not exist; give the folder camrec record -o wrote.")
        }
        guard let pid = RecorderLock.activeRecorder(of: recording) else {
            throw CommandFailure("\(recording) is not being recorded (no recorder holds \(recording)/\(RecorderLock.fileName)); "
                                 + "a trigger only goes to a ring recording in progress.")
        }
        var value = sigval()
        value.sival_int = triggerCommandValue
        guard sigqueue(pid, SIGUSR1, value) == 0 else {
            let failure = errno
            throw CommandFailure("Cannot signal the recorder of \(recording) (process \(pid)): sigqueue(SIGUSR1) failed with "
                                 + "errno \(failure) (\(String(cString: strerror(failure)))). Run as the user who records.")
        }
        print("camrec: trigger sent to the recorder of \(recording) (process \(pid))")
    }
}
