package ato;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

import org.jacoco.core.analysis.Analyzer;
import org.jacoco.core.analysis.CoverageBuilder;
import org.jacoco.core.analysis.ICounter;
import org.jacoco.core.analysis.ISourceFileCoverage;
import org.jacoco.core.tools.ExecFileLoader;

/**
 * The lines each candidate executed, from its own JaCoCo execution data (see {@code CandidateRunner}),
 * analysed against the head tree's classes in one JVM.
 *
 * <p>Usage: {@code CandidateCoverage <head-classes-dir> <out> <id>=<exec-file>...}. For each candidate, one
 * JSON line {@code {"id", "files": {"com/example/Calc.java": [3, 4]}}}: files named by package folder and
 * file name, as in JaCoCo's XML report; lines fully or partly covered.
 */
public final class CandidateCoverage {
    private CandidateCoverage() {
    }

    public static void main(String[] args) throws IOException {
        File classes = new File(args[0]);
        try (PrintStream out = new PrintStream(new FileOutputStream(args[1], true), true, "UTF-8")) {
            for (int i = 2; i < args.length; i++) {
                int split = args[i].indexOf('=');
                String id = args[i].substring(0, split);
                ExecFileLoader loader = new ExecFileLoader();
                loader.load(new File(args[i].substring(split + 1)));
                CoverageBuilder builder = new CoverageBuilder();
                new Analyzer(loader.getExecutionDataStore(), builder).analyzeAll(classes);
                StringBuilder files = new StringBuilder();
                for (ISourceFileCoverage source : builder.getSourceFiles()) {
                    List<Integer> lines = new ArrayList<>();
                    for (int line = source.getFirstLine(); line > 0 && line <= source.getLastLine(); line++) {
                        int status = source.getLine(line).getStatus();
                        if (status == ICounter.FULLY_COVERED || status == ICounter.PARTLY_COVERED) {
                            lines.add(line);
                        }
                    }
                    if (lines.isEmpty()) {
                        continue;
                    }
                    String pkg = source.getPackageName();
                    String path = pkg.isEmpty() ? source.getName() : pkg + "/" + source.getName();
                    files.append(files.length() == 0 ? "" : ",").append(Render.json(path)).append(':')
                            .append(lines);
                }
                out.println("{\"id\":" + Render.json(id) + ",\"files\":{" + files + "}}");
            }
        }
    }
}
