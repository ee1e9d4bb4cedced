//! What a Java project declares, read without running anything: the JDK it needs ([`java_runtime`]: the
//! pom's `maven.compiler.release`/`source`, Gradle's toolchain and compatibility, CI matrices), from the
//! build files [`java_build`] reads.

pub mod java_build;
pub mod java_runtime;
