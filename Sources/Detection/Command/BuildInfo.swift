/// The release this binary is: `auspex --version`, the metrics' `auspex_build_info` and the Debian package version
/// (`make deb` reads it from this file).
public enum BuildInfo {
    public static let version = "0.9.0"
}
