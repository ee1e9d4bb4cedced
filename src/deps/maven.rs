//! A Maven project's dependency manifest: found by its root `pom.xml`, keyed by every pom, the `.mvn/`
//! settings and the artifacts the repository vendors. Pure. (Maven itself runs in the runner image: the
//! install script is in `script.rs`, the test phase's build in the Java harness.)

use super::head_files::HeadFiles;
use super::manifest::{Detection, Install, Manifest, Parts};
use crate::model::Runner;

/// What Maven reads besides the poms: `.mvn/` settings, and the artifacts a project vendors (an in-project
/// file repository, `lib/`).
const MAVEN_ARTIFACTS: &[&str] = &[".jar", ".pom"];

/// A Maven project: its root `pom.xml`, every module's, `.mvn/` and the vendored artifacts decide the cache.
pub(super) fn detect(files: &HeadFiles) -> Detection {
    if files.manifest("pom.xml").is_none() {
        return Detection::None;
    }
    let mut digest = Parts::default();
    for (path, bytes) in &files.manifests {
        if path == "pom.xml" || path.ends_with("/pom.xml") || path.starts_with(".mvn/") {
            digest.add(path, bytes);
        }
    }
    for (path, sha) in files.files_under("", MAVEN_ARTIFACTS) {
        if !path.split('/').any(|part| part == "target") {
            digest.add(path, sha.as_bytes());
        }
    }
    Detection::Found(Manifest {
        runner: Runner::Java,
        source: "pom.xml".into(),
        install: Install::Maven,
        requirements: Vec::new(),
        remote: Vec::new(),
        content_digest: digest.finish(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deps::detect;
    use crate::deps::manifest::tests::{files, found};

    #[test]
    fn maven_follows_every_pom_the_settings_and_vendored_artifacts_but_not_build_output() {
        let digest = |entries: &[(&str, &[u8])]| {
            found(detect(Runner::Java, &files(entries))).cache_digest("sha256:a")
        };
        let pom: (&str, &[u8]) = ("pom.xml", b"<project/>");
        let base = digest(&[pom, ("repo/g/a/1/a-1.jar", b"PK1")]);
        assert_eq!(base, digest(&[pom, ("repo/g/a/1/a-1.jar", b"PK1")]));
        assert_ne!(base, digest(&[pom, ("repo/g/a/1/a-1.jar", b"PK2")]));
        assert_ne!(
            base,
            digest(&[
                pom,
                ("repo/g/a/1/a-1.jar", b"PK1"),
                ("core/pom.xml", b"<project/>")
            ])
        );
        assert_ne!(
            base,
            digest(&[
                pom,
                ("repo/g/a/1/a-1.jar", b"PK1"),
                (".mvn/maven.config", b"-Pci")
            ])
        );
        assert_eq!(
            base,
            digest(&[
                pom,
                ("repo/g/a/1/a-1.jar", b"PK1"),
                ("target/app.jar", b"x"),
                ("src/A.java", b"x")
            ])
        );
        let manifest = found(detect(Runner::Java, &files(&[pom])));
        assert_eq!(
            (manifest.install, manifest.source.as_str()),
            (Install::Maven, "pom.xml")
        );
        assert_eq!(
            detect(Runner::Java, &files(&[("build.gradle", b"")])),
            Detection::None
        );
    }
}
