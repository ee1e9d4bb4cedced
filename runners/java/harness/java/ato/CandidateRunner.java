package ato;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.platform.engine.DiscoverySelector;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.TestSource;
import org.junit.platform.engine.discovery.DiscoverySelectors;
import org.junit.platform.engine.support.descriptor.ClassSource;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/**
 * Runs compiled candidates one after the other in this JVM with the JUnit Platform launcher, and says what
 * happened as JSON lines, written and flushed as it happens so that they survive the JVM's end.
 *
 * <p>Each candidate gets a class loader of its own holding its classes and the head tree's, so static state
 * of the code under test starts fresh for each, as in a JVM of its own. Events: {@code candidate} (it
 * starts), {@code discovered} (how many tests; classes that could not be loaded), {@code start} and
 * {@code result} per test (a failed class-level container is a result too), {@code done}. A {@code
 * candidate} or {@code start} without its end names what ended the JVM (System.exit, a crash).
 *
 * <p>With the JaCoCo agent ({@code output=none}), the execution data of each candidate alone is written to
 * {@code <jacoco-dir>/<id>.exec} once it is done, through the agent's runtime API.
 *
 * <p>Usage: {@code CandidateRunner <events> <candidates> <seed|-> <test-timeout-secs> <jacoco-dir|->}.
 * Candidates are lines {@code id TAB classes-dir TAB head-class-path}; a seed shuffles classes and methods.
 */
public final class CandidateRunner {
    private static final int TRACE_CAP = 6000;
    private static PrintStream events;

    private CandidateRunner() {
    }

    public static void main(String[] args) throws IOException {
        events = new PrintStream(new FileOutputStream(args[0], true), true, "UTF-8");
        List<String> candidates = Files.readAllLines(Paths.get(args[1]), StandardCharsets.UTF_8);
        Map<String, String> config = configuration(args[2], args[3]);
        Path jacoco = args[4].equals("-") ? null : Paths.get(args[4]);
        Launcher launcher = LauncherFactory.create();
        ClassLoader own = Thread.currentThread().getContextClassLoader();
        for (String line : candidates) {
            String[] fields = line.split("\t", -1);
            if (fields.length != 3) {
                continue;
            }
            String id = fields[0];
            emit("{\"event\":\"candidate\",\"id\":" + Render.json(id) + "}");
            Coverage.reset();
            // Unnamed: a named loader would prefix every frame of the stack traces with its name.
            try (URLClassLoader loader = new URLClassLoader(urls(fields[1], fields[2]),
                    CandidateRunner.class.getClassLoader())) {
                Thread.currentThread().setContextClassLoader(loader);
                run(launcher, id, Paths.get(fields[1]), loader, config);
            } finally {
                Thread.currentThread().setContextClassLoader(own);
            }
            if (jacoco != null) {
                Coverage.dump(jacoco.resolve(id + ".exec"));
            }
            emit("{\"event\":\"done\",\"id\":" + Render.json(id) + "}");
        }
        events.close();
        // Threads a timed-out test left running must not keep the JVM alive.
        System.exit(0);
    }

    private static Map<String, String> configuration(String seed, String timeoutSecs) {
        Map<String, String> config = new HashMap<>();
        config.put("junit.jupiter.execution.timeout.default", timeoutSecs + " s");
        config.put("junit.jupiter.execution.timeout.thread.mode.default", "SEPARATE_THREAD");
        if (!seed.equals("-")) {
            config.put("junit.jupiter.testmethod.order.default", "org.junit.jupiter.api.MethodOrderer$Random");
            config.put("junit.jupiter.testclass.order.default", "org.junit.jupiter.api.ClassOrderer$Random");
            config.put("junit.jupiter.execution.order.random.seed", seed);
        }
        return config;
    }

    private static URL[] urls(String classes, String headClassPath) throws MalformedURLException {
        List<URL> urls = new ArrayList<>();
        urls.add(Paths.get(classes).toUri().toURL());
        for (String entry : headClassPath.split(":")) {
            if (!entry.isEmpty()) {
                urls.add(Paths.get(entry).toUri().toURL());
            }
        }
        return urls.toArray(new URL[0]);
    }

    private static void run(Launcher launcher, String id, Path classes, ClassLoader loader,
            Map<String, String> config) throws IOException {
        List<DiscoverySelector> selectors = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (String name : topLevelClasses(classes)) {
            try {
                selectors.add(DiscoverySelectors.selectClass(Class.forName(name, false, loader)));
            } catch (ClassNotFoundException | LinkageError e) {
                problems.add(name + " could not be loaded: " + e);
            }
        }
        TestPlan plan;
        try {
            LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectors)
                    .configurationParameters(config).build();
            plan = launcher.discover(request);
        } catch (RuntimeException | LinkageError e) {
            problems.add("test discovery failed: " + e);
            plan = null;
        }
        long tests = plan == null ? 0 : plan.countTestIdentifiers(TestIdentifier::isTest);
        emit("{\"event\":\"discovered\",\"id\":" + Render.json(id) + ",\"tests\":" + tests + ",\"problems\":"
                + Render.json(String.join("\n", problems)) + "}");
        if (tests > 0) {
            launcher.execute(plan, new Listener(id));
        }
    }

    /** Binary names of the top-level classes compiled into {@code classes} (nested ones come with them). */
    private static List<String> topLevelClasses(Path classes) throws IOException {
        try (Stream<Path> files = Files.walk(classes)) {
            return files.filter(p -> p.toString().endsWith(".class") && !p.getFileName().toString().contains("$"))
                    .map(p -> classes.relativize(p).toString().replace('/', '.').replaceAll("\\.class$", ""))
                    .sorted().collect(Collectors.toList());
        }
    }

    static void emit(String json) {
        synchronized (CandidateRunner.class) {
            events.println(json);
        }
    }

    /** {@code CalcLlmTest.addsNegatives()}, {@code CalcLlmTest.adds(int)[2]}, or a class's simple name. */
    static String name(TestIdentifier test) {
        TestSource source = test.getSource().orElse(null);
        if (source instanceof MethodSource) {
            String className = ((MethodSource) source).getClassName();
            return className.substring(className.lastIndexOf('.') + 1) + "." + test.getLegacyReportingName();
        }
        if (source instanceof ClassSource) {
            String className = ((ClassSource) source).getClassName();
            return className.substring(className.lastIndexOf('.') + 1);
        }
        return test.getDisplayName();
    }

    /** The stack trace without the frames of JUnit and of reflection, which say nothing about the test. */
    static String trace(Throwable error) {
        StringWriter text = new StringWriter();
        error.printStackTrace(new PrintWriter(text));
        StringBuilder kept = new StringBuilder();
        for (String line : text.toString().split("\n")) {
            String frame = line.strip();
            if (frame.startsWith("at org.junit.") || frame.startsWith("at java.base/jdk.internal.")
                    || frame.startsWith("at java.base/java.lang.reflect.") || frame.startsWith("at java.base/java.util.")
                    || frame.startsWith("at java.base/java.lang.Thread.") || frame.startsWith("... ")) {
                continue;
            }
            kept.append(line.replace("\r", "")).append('\n');
            if (kept.length() > TRACE_CAP) {
                break;
            }
        }
        return kept.toString().strip();
    }

    private static final class Listener implements TestExecutionListener {
        private final String id;

        Listener(String id) {
            this.id = id;
        }

        @Override
        public void executionStarted(TestIdentifier test) {
            if (test.isTest()) {
                emit("{\"event\":\"start\",\"id\":" + Render.json(id) + ",\"test\":" + Render.json(name(test)) + "}");
            }
        }

        @Override
        public void executionFinished(TestIdentifier test, TestExecutionResult result) {
            boolean failed = result.getStatus() == TestExecutionResult.Status.FAILED;
            if (!test.isTest() && !failed) {
                return;
            }
            // Aborted tests (a failed assumption) count as passed, as skips do.
            String error = "null";
            Throwable thrown = result.getThrowable().orElse(null);
            if (failed && thrown != null) {
                error = "{\"type\":" + Render.json(thrown.getClass().getName()) + ",\"message\":"
                        + Render.json(String.valueOf(thrown.getMessage())) + ",\"traceback\":"
                        + Render.json(trace(thrown)) + "}";
            }
            emit("{\"event\":\"result\",\"id\":" + Render.json(id) + ",\"test\":" + Render.json(name(test))
                    + ",\"container\":" + !test.isTest() + ",\"outcome\":\"" + (failed ? "failed" : "passed")
                    + "\",\"error\":" + error + "}");
        }
    }

    /** The JaCoCo agent's runtime API, by reflection: the agent is on the class path only when measuring. */
    private static final class Coverage {
        private Coverage() {
        }

        private static Object agent() {
            try {
                return Class.forName("org.jacoco.agent.rt.RT").getMethod("getAgent").invoke(null);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return null;
            }
        }

        static void reset() {
            Object agent = agent();
            if (agent == null) {
                return;
            }
            try {
                Class.forName("org.jacoco.agent.rt.IAgent").getMethod("reset").invoke(agent);
            } catch (ReflectiveOperationException e) {
                // No agent API: no coverage, which the orchestrator notices by the missing file.
            }
        }

        static void dump(Path file) throws IOException {
            Object agent = agent();
            if (agent == null) {
                return;
            }
            try {
                byte[] data = (byte[]) Class.forName("org.jacoco.agent.rt.IAgent")
                        .getMethod("getExecutionData", boolean.class).invoke(agent, true);
                Path partial = file.resolveSibling(file.getFileName() + ".part");
                Files.write(partial, data);
                Files.move(partial, file);
            } catch (ReflectiveOperationException e) {
                // As above.
            }
        }
    }
}
