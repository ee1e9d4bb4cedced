package ato;

import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;

/**
 * Compiles each candidate test file on its own, into a folder of its own, with the JDK's compiler in this one
 * JVM: a javac process per candidate would cost a JVM start (seconds on one CPU) each. A candidate that does
 * not compile leaves the others alone.
 *
 * <p>Usage: {@code CandidateCompiler <class-path> <requests> <out>}. Requests are lines
 * {@code id TAB source-file TAB classes-dir}; for each, one JSON line {@code {"id","ok","output"}} is written
 * to {@code out}, where output is what javac printed (its error messages).
 */
public final class CandidateCompiler {
    private CandidateCompiler() {
    }

    public static void main(String[] args) throws IOException {
        String classPath = args[0];
        List<String> requests = Files.readAllLines(Paths.get(args[1]), StandardCharsets.UTF_8);
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        try (PrintStream out = new PrintStream(new FileOutputStream(args[2], true), true, "UTF-8")) {
            for (String request : requests) {
                String[] fields = request.split("\t", -1);
                if (fields.length != 3) {
                    continue;
                }
                Path classes = Paths.get(fields[2]);
                Files.createDirectories(classes);
                ByteArrayOutputStream messages = new ByteArrayOutputStream();
                int status = javac.run(null, messages, messages, "-encoding", "UTF-8", "-g", "-proc:none",
                        "-nowarn", "-Xlint:none", "-Xmaxerrs", "20", "-d", classes.toString(), "-cp", classPath,
                        fields[1]);
                String output = messages.toString(StandardCharsets.UTF_8);
                out.println("{\"id\":" + Render.json(fields[0]) + ",\"ok\":" + (status == 0) + ",\"output\":"
                        + Render.json(output) + "}");
            }
        }
    }
}
