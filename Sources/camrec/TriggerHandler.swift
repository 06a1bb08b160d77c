import CamrecEngine
import Foundation

/// The triggers of this command's ring recording: SIGUSR1 makes them. `camrec trigger` sends
/// SIGUSR1 with sigqueue(3) and `triggerCommandValue`, so the event says it came from there; any
/// other SIGUSR1 (`kill -USR1 PID`) is a plain signal trigger.
let commandTriggerRequest = TriggerRequest()

/// The sigqueue value `camrec trigger` sends ("camr").
let triggerCommandValue: Int32 = 0x6361_6D72

/// SIGUSR1 fires a trigger of the ring recording `commandTriggerRequest` was given to.
func installTriggerHandler() {
    var action = sigaction()
    action.sa_flags = SA_SIGINFO | SA_RESTART
    sigemptyset(&action.sa_mask)
    action.__sigaction_handler.sa_sigaction = { _, info, _ in
        // Async-signal-safe: reads of the siginfo and atomic stores.
        guard let info else {
            commandTriggerRequest.request(fromCommand: false, senderProcessID: 0)
            return
        }
        let fromCommand = info.pointee.si_code == SI_QUEUE
            && info.pointee._sifields._rt.si_sigval.sival_int == triggerCommandValue
        commandTriggerRequest.request(fromCommand: fromCommand, senderProcessID: info.pointee._sifields._kill.si_pid)
    }
    sigaction(SIGUSR1, &action, nil)
    var signals = sigset_t()
    sigemptyset(&signals)
    sigaddset(&signals, SIGUSR1)
    pthread_sigmask(SIG_UNBLOCK, &signals, nil)
}
