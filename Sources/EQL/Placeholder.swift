// Placeholder for the EQL module; replaced by its implementation.
enum EQLPlaceholder {}
