/// Errno names indexed by number, from the Linux 6.1 UAPI headers asm-generic/errno-base.h and asm-generic/errno.h
/// (1…133; aliases EWOULDBLOCK and EDEADLOCK resolve to the first name, EAGAIN and EDEADLK, as auditd prints them).
enum ErrnoTable {
    static let names: [String?] = [
        nil, "EPERM", "ENOENT", "ESRCH", "EINTR", "EIO",  // 0
        "ENXIO", "E2BIG", "ENOEXEC", "EBADF", "ECHILD", "EAGAIN",  // 6
        "ENOMEM", "EACCES", "EFAULT", "ENOTBLK", "EBUSY", "EEXIST",  // 12
        "EXDEV", "ENODEV", "ENOTDIR", "EISDIR", "EINVAL", "ENFILE",  // 18
        "EMFILE", "ENOTTY", "ETXTBSY", "EFBIG", "ENOSPC", "ESPIPE",  // 24
        "EROFS", "EMLINK", "EPIPE", "EDOM", "ERANGE", "EDEADLK",  // 30
        "ENAMETOOLONG", "ENOLCK", "ENOSYS", "ENOTEMPTY", "ELOOP", nil,  // 36
        "ENOMSG", "EIDRM", "ECHRNG", "EL2NSYNC", "EL3HLT", "EL3RST",  // 42
        "ELNRNG", "EUNATCH", "ENOCSI", "EL2HLT", "EBADE", "EBADR",  // 48
        "EXFULL", "ENOANO", "EBADRQC", "EBADSLT", nil, "EBFONT",  // 54
        "ENOSTR", "ENODATA", "ETIME", "ENOSR", "ENONET", "ENOPKG",  // 60
        "EREMOTE", "ENOLINK", "EADV", "ESRMNT", "ECOMM", "EPROTO",  // 66
        "EMULTIHOP", "EDOTDOT", "EBADMSG", "EOVERFLOW", "ENOTUNIQ", "EBADFD",  // 72
        "EREMCHG", "ELIBACC", "ELIBBAD", "ELIBSCN", "ELIBMAX", "ELIBEXEC",  // 78
        "EILSEQ", "ERESTART", "ESTRPIPE", "EUSERS", "ENOTSOCK", "EDESTADDRREQ",  // 84
        "EMSGSIZE", "EPROTOTYPE", "ENOPROTOOPT", "EPROTONOSUPPORT", "ESOCKTNOSUPPORT", "EOPNOTSUPP",  // 90
        "EPFNOSUPPORT", "EAFNOSUPPORT", "EADDRINUSE", "EADDRNOTAVAIL", "ENETDOWN", "ENETUNREACH",  // 96
        "ENETRESET", "ECONNABORTED", "ECONNRESET", "ENOBUFS", "EISCONN", "ENOTCONN",  // 102
        "ESHUTDOWN", "ETOOMANYREFS", "ETIMEDOUT", "ECONNREFUSED", "EHOSTDOWN", "EHOSTUNREACH",  // 108
        "EALREADY", "EINPROGRESS", "ESTALE", "EUCLEAN", "ENOTNAM", "ENAVAIL",  // 114
        "EISNAM", "EREMOTEIO", "EDQUOT", "ENOMEDIUM", "EMEDIUMTYPE", "ECANCELED",  // 120
        "ENOKEY", "EKEYEXPIRED", "EKEYREVOKED", "EKEYREJECTED", "EOWNERDEAD", "ENOTRECOVERABLE",  // 126
        "ERFKILL", "EHWPOISON",  // 132
    ]
}
