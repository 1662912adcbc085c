// Placeholder for the Events module; replaced by its implementation.
enum EventsPlaceholder {}
