#if canImport(Glibc)
import Glibc
#endif
import SystemPackage
import V4L2Vocabulary

/// A V4L2 node found in /dev, with its sysfs name and what QUERYCAP says about it.
public struct DiscoveredNode: Sendable, Equatable {
    public var path: String
    /// /sys/class/video4linux/videoN/name: the video device's name (vimc: "Raw Capture 1").
    public var name: String?
    /// QUERYCAP; nil when the node could not be opened or queried.
    public var info: DeviceInfo?
    /// Why `info` is nil.
    public var error: V4L2Error?
}

/// Finds V4L2 nodes by driver and name, never by number (load order decides the numbers).
public enum DeviceDiscovery {
    /// Every /dev/videoN, in numeric order.
    public static func videoNodePaths() -> [String] { devicePaths(prefix: "video") }

    /// Every video node with its sysfs name and capabilities.
    public static func videoNodes() -> [DiscoveredNode] {
        videoNodePaths().map { path in
            do throws(V4L2Error) {
                return DiscoveredNode(path: path, name: sysfsName(of: path), info: try DeviceInfo.query(path: path), error: nil)
            } catch {
                return DiscoveredNode(path: path, name: sysfsName(of: path), info: nil, error: error)
            }
        }
    }

    /// The sysfs name of a node ("vivid-000-vid-cap", "Raw Capture 1").
    public static func sysfsName(of path: String) -> String? {
        let node = path.split(separator: "/").last.map(String.init) ?? path
        guard let text = readSmallFile("/sys/class/video4linux/\(node)/name") else { return nil }
        return text.trimmingSuffix(while: { $0 == "\n" || $0 == " " })
    }

    /// The first node (in numeric order) whose driver is `driver`, whose sysfs name or QUERYCAP
    /// card equals `name` (if given), and that has the given capabilities.
    public static func findNode(driver: String, name: String? = nil,
                                capabilities: DeviceCapabilities = []) throws(V4L2Error) -> DiscoveredNode {
        let nodes = videoNodes()
        let match = nodes.first { node in
            guard let info = node.info, info.driver == driver else { return false }
            if let name, node.name != name && info.card != name { return false }
            return info.nodeCapabilities.isSuperset(of: capabilities)
        }
        guard let match else {
            let seen = nodes.map { "\($0.path) \($0.info?.driver ?? "?") '\($0.name ?? $0.info?.card ?? "?")'" }
            throw V4L2Error(kind: .notFound, operation: "find node", devicePath: "/dev/video*",
                            reason: "no node of driver '\(driver)'" + (name.map { " named '\($0)'" } ?? "")
                                + (capabilities.isEmpty ? "" : " with \(capabilities)")
                                + "; found: " + (seen.isEmpty ? "none" : seen.joined(separator: "; ")),
                            remedy: "Load the driver (modprobe \(driver)) or check the name with `camrec devices`.")
        }
        return match
    }

    /// /dev/<prefix>N nodes in numeric order.
    static func devicePaths(prefix: String) -> [String] {
        guard let directory = opendir("/dev") else { return [] }
        defer { closedir(directory) }
        var numbers: [Int] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { bytes in
                String(decoding: bytes.prefix(bytes.firstIndex(of: 0) ?? bytes.count), as: UTF8.self)
            }
            guard name.hasPrefix(prefix), let number = Int(name.dropFirst(prefix.count)) else { continue }
            numbers.append(number)
        }
        return numbers.sorted().map { "/dev/\(prefix)\($0)" }
    }

    /// The /dev path of a character device number, as sysfs names it (`DEVNAME=` in
    /// /sys/dev/char/MAJOR:MINOR/uevent): "/dev/v4l-subdev0". Nil when sysfs does not know it.
    public static func devicePath(of number: DeviceNumber) -> String? {
        guard let uevent = readSmallFile("/sys/dev/char/\(number.major):\(number.minor)/uevent") else { return nil }
        for line in uevent.split(separator: "\n") where line.hasPrefix("DEVNAME=") {
            return "/dev/" + line.dropFirst("DEVNAME=".count)
        }
        return nil
    }

    /// A sysfs attribute's text (at most 4 KiB), or nil when it cannot be read.
    static func readSmallFile(_ path: String) -> String? {
        guard let file = try? FileDescriptor.open(FilePath(path), .readOnly, options: [.closeOnExec]) else { return nil }
        var bytes = [UInt8](repeating: 0, count: 4096)
        // closeAfter: closed on every path, the read's failure included.
        guard let count = try? file.closeAfter({ try bytes.withUnsafeMutableBytes { try file.read(into: $0) } }) else { return nil }
        return String(decoding: bytes.prefix(count), as: UTF8.self)
    }
}

extension String {
    func trimmingSuffix(while predicate: (Character) -> Bool) -> String {
        var text = self
        while let last = text.last, predicate(last) { text.removeLast() }
        return text
    }
}
