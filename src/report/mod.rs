//! Rendering the results.
