import CamrecEngine
import Foundation

/// SIGINT and SIGTERM ask the recorder to stop; it then closes the recording cleanly.
func installStopHandlers() {
    let handler: @convention(c) (Int32) -> Void = { _ in
        StopSignal.requested.store(true, ordering: .relaxed)
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
