//! Invalid input.
