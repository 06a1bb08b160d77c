import Foundation

/// Checks an output path before anything starts, so a bad one costs one clear line and no device time.
func checkOutput(_ path: String, replace: Bool) throws {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
        guard replace else {
            throw CommandFailure("\(path) already exists; choose another output, or pass --force to replace it.")
        }
        guard isDirectory.boolValue, FileManager.default.fileExists(atPath: path + "/index.sqlite") else {
            throw CommandFailure("\(path) exists and is not a camrec recording; --force replaces recordings only. "
                                 + "Choose another output.")
        }
    }
    let parent = (path as NSString).deletingLastPathComponent
    let folder = parent.isEmpty ? "." : parent
    guard FileManager.default.fileExists(atPath: folder, isDirectory: &isDirectory), isDirectory.boolValue else {
        throw CommandFailure("cannot create \(path): \(folder) is not an existing folder.")
    }
    guard access(folder, W_OK) == 0 else {
        throw CommandFailure("cannot create \(path): \(String(cString: strerror(errno))) (errno \(errno)) on \(folder); "
                             + "choose a folder you can write to.")
    }
}
