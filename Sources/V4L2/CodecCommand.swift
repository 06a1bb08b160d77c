import CV4L2
#if canImport(Glibc)
import Glibc
#endif

/// A command to a stateful codec (`VIDIOC_ENCODER_CMD` / `VIDIOC_DECODER_CMD`), as the kernel's
/// dev-encoder.rst and dev-decoder.rst use them: `stop` starts a drain (the codec finishes every
/// queued buffer, marks its last capture buffer V4L2_BUF_FLAG_LAST and sends V4L2_EVENT_EOS);
/// `start` resumes after a drain.
public enum CodecCommand: Sendable, CustomStringConvertible {
    case stop
    case start

    public var description: String {
        switch self {
        case .stop: "stop"
        case .start: "start"
        }
    }
}

/// Which side of a codec a command addresses.
public enum CodecKind: Sendable, CustomStringConvertible {
    case encoder
    case decoder

    public var description: String {
        switch self {
        case .encoder: "encoder"
        case .decoder: "decoder"
        }
    }
}

extension VideoDevice {
    /// VIDIOC_TRY_ENCODER_CMD / VIDIOC_TRY_DECODER_CMD: whether the node takes `command`.
    public func supports(_ command: CodecCommand, as kind: CodecKind) -> Bool {
        switch kind {
        case .encoder:
            var raw = encoderCommand(command)
            return (try? descriptor.ioctl(.tryEncoderCommand, &raw)) != nil
        case .decoder:
            var raw = decoderCommand(command)
            return (try? descriptor.ioctl(.tryDecoderCommand, &raw)) != nil
        }
    }

    /// VIDIOC_ENCODER_CMD / VIDIOC_DECODER_CMD.
    public func send(_ command: CodecCommand, as kind: CodecKind) throws(V4L2Error) {
        switch kind {
        case .encoder:
            var raw = encoderCommand(command)
            try descriptor.ioctl(.encoderCommand, &raw, context: "V4L2_ENC_CMD_\(command == .stop ? "STOP" : "START")")
        case .decoder:
            var raw = decoderCommand(command)
            try descriptor.ioctl(.decoderCommand, &raw, context: "V4L2_DEC_CMD_\(command == .stop ? "STOP" : "START")")
        }
    }

    private func encoderCommand(_ command: CodecCommand) -> v4l2_encoder_cmd {
        var raw = v4l2_encoder_cmd()
        raw.cmd = command == .stop ? UInt32(V4L2_ENC_CMD_STOP) : UInt32(V4L2_ENC_CMD_START)
        return raw
    }

    private func decoderCommand(_ command: CodecCommand) -> v4l2_decoder_cmd {
        var raw = v4l2_decoder_cmd()
        raw.cmd = command == .stop ? UInt32(V4L2_DEC_CMD_STOP) : UInt32(V4L2_DEC_CMD_START)
        return raw
    }
}
