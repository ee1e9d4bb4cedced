package ato;

import java.io.File;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;

import org.jacoco.core.analysis.Analyzer;
import org.jacoco.core.analysis.CoverageBuilder;
import org.jacoco.core.tools.ExecFileLoader;
import org.jacoco.report.IReportVisitor;
import org.jacoco.report.InputStreamSourceFileLocator;
import org.jacoco.report.xml.XMLFormatter;

/**
 * Writes JaCoCo's XML report from an execution-data file and the classes that ran. Debian ships JaCoCo's
 * libraries but not its command-line tool, so this is the few lines of it the runner needs.
 *
 * <p>Usage: {@code CoverageReport <jacoco.exec> <classes-dir> <out.xml>}. The report names each file by its
 * package folder and file name ({@code com/example/Calc.java}); the host matches that against the suffix of
 * the target's repository path.
 */
public final class CoverageReport {
    private CoverageReport() {
    }

    public static void main(String[] args) throws IOException {
        ExecFileLoader loader = new ExecFileLoader();
        loader.load(new File(args[0]));
        CoverageBuilder builder = new CoverageBuilder();
        new Analyzer(loader.getExecutionDataStore(), builder).analyzeAll(new File(args[1]));
        try (OutputStream out = new FileOutputStream(args[2])) {
            IReportVisitor visitor = new XMLFormatter().createVisitor(out);
            visitor.visitInfo(loader.getSessionInfoStore().getInfos(),
                    loader.getExecutionDataStore().getContents());
            // The XML report does not embed sources: a locator that finds none is enough.
            visitor.visitBundle(builder.getBundle("ato"), new InputStreamSourceFileLocator("UTF-8", 4) {
                @Override
                protected java.io.InputStream getSourceStream(String path) {
                    return null;
                }
            });
            visitor.visitEnd();
        }
    }
}
