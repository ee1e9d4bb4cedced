//! A Maven project's dependencies: found by its root `pom.xml`, keyed by every pom, the `.mvn/` settings and
//! the artifacts the repository vendors; resolved by the Java harness into `/deps/java/m2`; what Maven could
//! not resolve named artifact by artifact. Pure. (Maven itself runs in the runner image: the test phase's build
//! is in the Java harness too.)

use crate::deps::CA_FILE;
use crate::deps::{
    ContentDigest, DEPS_DIR, Detection, Ended, HeadFiles, INSTALL_FAILED_EXIT, INSTALLED_LINE,
    Install, MISSING_PREFIX, Manifest, SCRIPT_DIR, problem,
};
use crate::model::{Problem, Runner};

/// What Maven reads besides the poms: `.mvn/` settings, and the artifacts a project vendors (an in-project
/// file repository, `lib/`).
const MAVEN_ARTIFACTS: &[&str] = &[".jar", ".pom"];

/// Run with `java TrustStore.java bundle.pem store.p12`: every certificate of the bundle, trusted.
const TRUST_STORE_JAVA: &str = r#"import java.io.*;
import java.security.KeyStore;
import java.security.cert.*;

public class TrustStore {
    public static void main(String[] args) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int count = 0;
        try (InputStream in = new BufferedInputStream(new FileInputStream(args[0]))) {
            for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                store.setCertificateEntry("ato-" + count++, certificate);
            }
        }
        try (OutputStream out = new FileOutputStream(args[1])) {
            store.store(out, "changeit".toCharArray());
        }
        System.out.println(count + " certificates trusted");
    }
}
"#;

/// Maven resolves the project's dependencies and plugins into `/deps/java/m2` (the main sources are not
/// compiled); Debian's repository in the image is a read-only tail, so its plugins are not copied.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Maven;

/// A Maven project: its root `pom.xml`, every module's, `.mvn/` and the vendored artifacts decide the cache.
pub(super) fn detect(files: &HeadFiles) -> Detection {
    if files.manifest("pom.xml").is_none() {
        return Detection::None;
    }
    let mut digest = ContentDigest::default();
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
        install: Box::new(Maven),
        content_digest: digest.finish(),
        notes: Vec::new(),
    })
}

impl Install for Maven {
    /// Maven's version of the offline fetch, run by the Java harness (runners/java/harness/ato_java/maven.py)
    /// so that it resolves exactly what the test phase's build needs and names what it could not resolve the
    /// same way.
    fn script(&self, _network: bool) -> String {
        format!(
            r#"set -u
cd /work/head
mkdir -p {DEPS_DIR}/java/m2 || exit 1
# A TLS-intercepting network's CA bundle, when ato gave one, as a Java trust store.
ca=/work/{SCRIPT_DIR}/{CA_FILE}
if [ -f "$ca" ]; then
    if java /work/{SCRIPT_DIR}/TrustStore.java "$ca" /tmp/ato-truststore.p12 >&2; then
        export JAVA_TOOL_OPTIONS="-Djavax.net.ssl.trustStore=/tmp/ato-truststore.p12 -Djavax.net.ssl.trustStorePassword=changeit -Djavax.net.ssl.trustStoreType=PKCS12"
    else
        echo "ato: the CA bundle could not be read as a Java trust store; Maven trusts the image's CAs" >&2
    fi
fi
log=/tmp/ato-mvn.log
if python3 -m ato_java.maven fill {DEPS_DIR}/java/m2 "$log"; then
    echo {INSTALLED_LINE}
    exit 0
fi
grep -E '^\[(ERROR|WARNING)\]' "$log" | tail -n 40 >&2
python3 -m ato_java.maven missing "$log" | sed 's/^/{MISSING_PREFIX}/'
exit {INSTALL_FAILED_EXIT}
"#
        )
    }

    /// The program that turns a PEM bundle into a PKCS#12 trust store (keytool imports one certificate a
    /// call; this imports them all in one JVM start).
    fn inputs(&self) -> Vec<(String, Vec<u8>)> {
        vec![(
            "TrustStore.java".into(),
            TRUST_STORE_JAVA.as_bytes().to_vec(),
        )]
    }

    /// The artifacts the harness's parser found in Maven's log, each once.
    fn missing(&self, source: &str, ended: &Ended<'_>) -> Vec<Problem> {
        let why = match &ended.cause {
            Some(cause) if !matches!(cause, crate::deps::Cause::NoMatchingVersion(_)) => cause.explain(),
            _ if ended.network => "no repository the build names has it".to_string(),
            _ => "it is in no repository readable without a network (an in-project file:// repository, or \
                  Debian's in the image) and the dependency phase has no network (ATO_DEPS_NETWORK=off; the \
                  default, registries, reaches the configured mirror)"
                .to_string(),
        };
        let mut seen: Vec<&str> = Vec::new();
        for artifact in ended
            .stdout
            .lines()
            .filter_map(|line| line.strip_prefix(MISSING_PREFIX))
            .map(str::trim)
        {
            if !artifact.is_empty() && !seen.contains(&artifact) {
                seen.push(artifact);
            }
        }
        seen.into_iter()
            .map(|artifact| {
                problem(
                    source,
                    format!("Maven could not resolve `{artifact}`: {why}"),
                )
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deps::Ecosystem;
    use crate::deps::test_support::{ended, found, head_files};
    use crate::lang::java::Java;
    use crate::model::ProblemKind;

    fn detect(entries: &[(&str, &[u8])]) -> Detection {
        Java.detect(&head_files(&Java, entries))
    }

    #[test]
    fn maven_follows_every_pom_the_settings_and_vendored_artifacts_but_not_build_output() {
        let digest = |entries: &[(&str, &[u8])]| found(detect(entries)).cache_digest("sha256:a");
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
        let manifest = found(detect(&[pom]));
        assert_eq!(
            (manifest.runner, manifest.source.as_str()),
            (Runner::Java, "pom.xml")
        );
        assert!(
            manifest
                .install
                .script(false)
                .contains("ato_java.maven fill")
        );
        assert!(matches!(detect(&[("build.gradle", b"")]), Detection::None));
    }

    #[test]
    fn maven_fills_the_cache_through_the_harness_and_names_what_is_missing() {
        let script = Maven.script(false);
        assert!(script.contains(r#"python3 -m ato_java.maven fill /deps/java/m2 "$log""#));
        assert!(script.contains("python3 -m ato_java.maven missing"));
        assert!(script.contains(&format!("sed 's/^/{MISSING_PREFIX}/'")));
        assert!(
            script.contains("java /work/ato-deps/TrustStore.java \"$ca\" /tmp/ato-truststore.p12")
        );
        let inputs = Maven.inputs();
        assert_eq!(inputs[0].0, "TrustStore.java");
        assert!(String::from_utf8_lossy(&inputs[0].1).contains("generateCertificates"));
    }

    #[test]
    fn maven_names_each_unresolved_artifact_once() {
        let stdout = "ATO-DEPS-MISSING com.google.guava:guava:33.0-jre\n\
                      ATO-DEPS-MISSING org.apache.maven.plugins:maven-compiler-plugin:3.11.0\n\
                      ATO-DEPS-MISSING com.google.guava:guava:33.0-jre\n";
        let problems = Maven.missing("pom.xml", &ended(3, stdout, "[ERROR] x"));
        assert_eq!(problems.len(), 2, "{problems:?}");
        assert!(
            problems[0]
                .message
                .contains("`com.google.guava:guava:33.0-jre`")
        );
        assert!(problems[1].message.contains("maven-compiler-plugin:3.11.0"));
        assert!(problems[0].message.contains("ATO_DEPS_NETWORK=off"));
        assert_eq!(problems[0].path.as_deref(), Some("pom.xml"));
        assert_eq!(problems[0].kind, ProblemKind::Dependencies);
        // Nothing named: the dependency phase shows Maven's own words instead.
        assert!(
            Maven
                .missing("pom.xml", &ended(3, "", "[ERROR] Non-parseable POM"))
                .is_empty()
        );
    }
}
