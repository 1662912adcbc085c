// Placeholder for the Rules module; replaced by its implementation.
enum RulesPlaceholder {}
