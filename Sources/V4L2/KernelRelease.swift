#if canImport(Glibc)
import Glibc
#endif

/// The running kernel's release (`uname -r`, utsname.release), e.g. "6.8.0-49-generic": with a
/// driver's version it says which V4L2 code produced a recording.
public enum KernelRelease {
    /// nil if uname(2) fails, which it does not on Linux.
    public static var current: String? {
        var names = utsname()
        guard uname(&names) == 0 else { return nil }
        return string(fromCArray: names.release)
    }
}
