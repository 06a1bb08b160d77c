import CamrecStore

/// Says on stderr that a recording is still being recorded, so what a reader prints is the
/// snapshot committed when it opened (the last second or so, and the open chunk, come later).
func noteIfStillRecording(_ reader: RecordingReader) {
    guard let pid = reader.activeRecorder else { return }
    printError("camrec: \(reader.path) is still being recorded (recorder process \(pid)): this is what it had committed "
               + "when camrec opened it; the statistics are computed from the index and the open chunk is not in it yet")
}
