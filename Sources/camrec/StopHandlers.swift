import CamrecEngine
import Foundation

/// The stop request of this command's run: SIGINT and SIGTERM make it, and the recorder or
/// replayer it was given then stops and closes cleanly. (A signal handler cannot capture, so the
/// one run a camrec process makes gets this one value.)
let commandStopRequest = StopRequest()

/// SIGINT and SIGTERM ask the run that `commandStopRequest` was given to stop.
func installStopHandlers() {
    let handler: @convention(c) (Int32) -> Void = { _ in
        commandStopRequest.request()
    }
    signal(SIGINT, handler)
    signal(SIGTERM, handler)
    // A parent may have started us with these signals blocked (the mask is inherited); unblock
    // them, before any thread starts, so they reach the handler.
    var signals = sigset_t()
    sigemptyset(&signals)
    sigaddset(&signals, SIGINT)
    sigaddset(&signals, SIGTERM)
    pthread_sigmask(SIG_UNBLOCK, &signals, nil)
}
