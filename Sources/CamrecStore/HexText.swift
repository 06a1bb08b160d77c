/// 16 lower-case hex digits: how checksums are written in the index and in messages.
public func checksumHex(_ value: UInt64) -> String {
    let digits = String(value, radix: 16)
    return String(repeating: "0", count: max(0, 16 - digits.count)) + digits
}
