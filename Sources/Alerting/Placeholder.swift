// Placeholder for the Alerting module; replaced by its implementation.
enum AlertingPlaceholder {}
