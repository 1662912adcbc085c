// Placeholder for the Reassembler module; replaced by its implementation.
enum ReassemblerPlaceholder {}
