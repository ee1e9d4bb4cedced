//! The real router served on 127.0.0.1 and driven by a real HTTP client: every sample GitHub payload, signature
//! refusals, size cap, bad JSON, redelivery, supersede, health, metrics, report links and the setup flow.

mod endpoints;
mod intake;
mod payloads;
