import Foundation
import PackageTestSupport
import XCTest
#if canImport(Glibc)
import Glibc
#endif

/// A C program that forks; the child connects (TCP) to ADDRESS:PORT and then calls setsid(), so both syscalls
/// come from one process instance that is not a process-group leader. Prints the child's pid.
enum ConnectThenSetsid {
    static let source = """
        #include <arpa/inet.h>
        #include <netinet/in.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <sys/socket.h>
        #include <sys/wait.h>
        #include <unistd.h>
        int main(int argc, char **argv) {
            if (argc < 3) return 64;
            pid_t child = fork();
            if (child < 0) return 1;
            if (child == 0) {
                int fd = socket(AF_INET, SOCK_STREAM, 0);
                struct sockaddr_in address = {0};
                address.sin_family = AF_INET;
                address.sin_port = htons((unsigned short)atoi(argv[2]));
                if (inet_pton(AF_INET, argv[1], &address.sin_addr) != 1) _exit(64);
                connect(fd, (struct sockaddr *)&address, sizeof address);
                close(fd);
                _exit(setsid() < 0 ? 3 : 0);
            }
            int status = 0;
            waitpid(child, &status, 0);
            printf("%d\\n", (int)child);
            return WIFEXITED(status) ? WEXITSTATUS(status) : 2;
        }
        """

    /// Compiles the program into `directory` (world-readable so an unprivileged uid can run it).
    static func build(in directory: String) throws -> String {
        let sourcePath = directory + "/connect-setsid.c"
        let binary = directory + "/connect-setsid"
        try source.write(toFile: sourcePath, atomically: true, encoding: .utf8)
        guard (try? Subprocess.run("/usr/bin/cc", ["-O1", "-o", binary, sourcePath]))?.status == 0 else { throw XCTSkip("cc could not build the test program") }
        chmod(directory, 0o755)
        chmod(binary, 0o755)
        return binary
    }
}
