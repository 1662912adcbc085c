import Glibc

/// Writes all of `bytes` to `descriptor`, retrying on EINTR and short writes; the errno of a failed write
/// (EIO for a write that makes no progress). The one write loop of the sinks.
func writeAll(_ bytes: [UInt8], to descriptor: Int32) -> Int32? {
    var written = 0
    while written < bytes.count {
        let n = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress! + written, $0.count - written) }
        if n < 0 {
            if errno == EINTR { continue }
            return errno
        }
        if n == 0 { return EIO }
        written += n
    }
    return nil
}
