// Placeholder for the Daemon module; replaced by its implementation.
enum DaemonPlaceholder {}
