package ato;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.reflect.Array;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Calls the changed public methods of one compiled tree with seeded inputs and writes what each call did, one
 * JSON object per line. Each input is called twice (the orchestrator drops calls whose two results differ as
 * nondeterministic); the orchestrator runs the probe on base and on head, in separate JVMs, and compares.
 *
 * <p>Usage: {@code Probe <requests> <out> <seed> <first-call> <call-timeout-ms> <skip-file>}. Requests are
 * lines {@code binary-class-name TAB method-name}. Every call has a global index; calls before
 * {@code first-call} are skipped, so that the orchestrator can resume after a call that ended the JVM
 * (System.exit, a crash) or ran past its time. A call is announced ({@code "start"}) before it runs: a start
 * without a result is the call that ended the JVM. A call that overruns is written as a timeout and the JVM
 * halts, since a running thread cannot be stopped; methods listed in the skip file are not called again.
 */
public final class Probe {
    private static final String TIMEOUT = "\"kind\":\"timeout\"";
    private final PrintStream out;
    private final long seed;
    private final int firstCall;
    private final long timeoutMs;
    private final Set<String> skipped;
    private int index;

    private Probe(PrintStream out, long seed, int firstCall, long timeoutMs, Set<String> skipped) {
        this.out = out;
        this.seed = seed;
        this.firstCall = firstCall;
        this.timeoutMs = timeoutMs;
        this.skipped = skipped;
    }

    public static void main(String[] args) throws IOException {
        List<String> requests = Files.readAllLines(Paths.get(args[0]), StandardCharsets.UTF_8);
        PrintStream out = new PrintStream(new FileOutputStream(args[1], true), true, "UTF-8");
        Set<String> skipped = new HashSet<>(Files.readAllLines(Paths.get(args[5]), StandardCharsets.UTF_8));
        // The PR's code may print anything; only this file is read back.
        PrintStream silent = new PrintStream(OutputStream.nullOutputStream());
        System.setOut(silent);
        System.setErr(silent);
        Probe probe = new Probe(out, Long.parseLong(args[2]), Integer.parseInt(args[3]), Long.parseLong(args[4]),
                skipped);
        for (String request : requests) {
            String[] parts = request.split("\t");
            if (parts.length == 2) {
                probe.request(parts[0], parts[1]);
            }
        }
        out.println("{\"done\":true}");
        out.flush();
        Runtime.getRuntime().halt(0);
    }

    private void request(String className, String methodName) {
        Class<?> type;
        try {
            type = Class.forName(className, false, Probe.class.getClassLoader());
        } catch (Throwable e) {
            line("{\"kind\":\"load_error\",\"class\":" + Render.json(className) + ",\"error\":"
                    + Render.json(e.getClass().getName()) + ",\"message\":" + Render.json(message(e)) + "}");
            return;
        }
        List<Method> methods = new ArrayList<>();
        for (Method m : type.getDeclaredMethods()) {
            if (m.getName().equals(methodName) && Modifier.isPublic(m.getModifiers()) && !m.isSynthetic()
                    && !m.isBridge()) {
                methods.add(m);
            }
        }
        methods.sort(Comparator.comparing(Probe::signature));
        if (methods.isEmpty()) {
            unsupported(className, methodName, methodName, "no public method of that name");
        }
        for (Method m : methods) {
            method(type, m);
        }
    }

    private void method(Class<?> type, Method m) {
        String sig = signature(m);
        String why = unsupportedBecause(type, m);
        if (why != null) {
            unsupported(type.getName(), m.getName(), sig, why);
            return;
        }
        boolean isStatic = Modifier.isStatic(m.getModifiers());
        String pkg = type.getPackageName();
        String owner = Render.typeName(type, pkg);
        String callee = isStatic ? owner + "." + m.getName() : "new " + owner + "()." + m.getName();
        for (Object[] args : Inputs.forParameters(m.getParameterTypes(), seed, type.getName() + "#" + sig)) {
            int call = index++;
            if (call < firstCall || skipped.contains(type.getName() + "\t" + sig)) {
                continue;
            }
            StringBuilder input = new StringBuilder(callee).append("(");
            for (int i = 0; i < args.length; i++) {
                input.append(i == 0 ? "" : ", ").append(argument(args[i], m.getParameterTypes()[i], pkg));
            }
            String head = "\"i\":" + call + ",\"class\":" + Render.json(type.getName()) + ",\"method\":"
                    + Render.json(m.getName()) + ",\"sig\":" + Render.json(sig) + ",\"static\":" + isStatic
                    + ",\"input\":" + Render.json(input.append(")").toString());
            line("{\"start\":true," + head + "}");
            // Twice, each on fresh copies (and a fresh instance): results that differ are nondeterministic.
            String first = observe(type, m, copy(args), pkg);
            String second = first.equals(TIMEOUT) ? first : observe(type, m, copy(args), pkg);
            line("{" + head + ",\"first\":{" + first + "},\"second\":{" + second + "}}");
            if (first.equals(TIMEOUT) || second.equals(TIMEOUT)) {
                Runtime.getRuntime().halt(3);
            }
        }
    }

    /** An argument as source; a null is cast to its parameter's type, so overloads cannot make it ambiguous. */
    private static String argument(Object value, Class<?> type, String pkg) {
        if (value == null) {
            return "(" + Render.typeName(type, pkg) + ") null";
        }
        return Render.source(value, type, pkg);
    }

    /** Runs the call on its own thread with a time limit; the observation as JSON members. */
    private String observe(Class<?> type, Method m, Object[] args, String pkg) {
        Object[] result = new Object[2];
        Thread worker = new Thread(() -> {
            try {
                Object receiver = null;
                if (!Modifier.isStatic(m.getModifiers())) {
                    Constructor<?> constructor = type.getConstructor();
                    receiver = constructor.newInstance();
                }
                result[0] = m.invoke(receiver, args);
            } catch (InvocationTargetException e) {
                result[1] = e.getCause() == null ? e : e.getCause();
            } catch (Throwable e) {
                result[1] = e;
            }
        }, "ato-call");
        worker.setDaemon(true);
        worker.start();
        try {
            worker.join(timeoutMs);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (worker.isAlive()) {
            return TIMEOUT;
        }
        if (result[1] != null) {
            Throwable error = (Throwable) result[1];
            boolean environmental = error instanceof VirtualMachineError || error instanceof LinkageError
                    || error instanceof SecurityException;
            String message = message(error);
            if (error instanceof ExceptionInInitializerError && error.getCause() != null) {
                // The class's static initializer threw: what it threw is the useful part.
                message = error.getCause().getClass().getName() + ": " + message(error.getCause());
            }
            return "\"kind\":\"raised\",\"error\":" + Render.json(error.getClass().getName()) + ",\"message\":"
                    + Render.json(Render.cap(message)) + ",\"environmental\":" + environmental;
        }
        return returned(m.getReturnType(), result[0], pkg);
    }

    private static String returned(Class<?> declared, Object value, String pkg) {
        if (declared == void.class) {
            return "\"kind\":\"returned\",\"value\":\"void\",\"assert\":\"void\"";
        }
        String text = Render.text(value, pkg);
        String source = Render.source(value, declared, pkg);
        String style;
        if (source != null && source.length() <= Render.CAP) {
            style = value != null && value.getClass().isArray() ? "array" : "equals";
        } else if (value != null && Render.hasOwnToString(value.getClass()) && text.equals(String.valueOf(value))) {
            style = "string";
            source = Render.stringLiteral(text);
        } else {
            style = "type";
            source = Render.stringLiteral(value.getClass().getName());
        }
        return "\"kind\":\"returned\",\"value\":" + Render.json(text) + ",\"source\":" + Render.json(source)
                + ",\"assert\":\"" + style + "\",\"return_type\":" + Render.json(Render.typeName(declared, pkg));
    }

    private static String unsupportedBecause(Class<?> type, Method m) {
        for (Class<?> p : m.getParameterTypes()) {
            if (!Inputs.simple(p)) {
                return "parameter type " + p.getTypeName() + " is not a simple type";
            }
            if (p.isEnum() && !Modifier.isPublic(p.getModifiers())) {
                return "enum " + p.getTypeName() + " is not public";
            }
        }
        if (!Modifier.isPublic(type.getModifiers()) || type.getCanonicalName() == null) {
            return "its class is not public";
        }
        if (Modifier.isStatic(m.getModifiers())) {
            return null;
        }
        if (type.isInterface() || Modifier.isAbstract(type.getModifiers()) || type.isEnum()) {
            return "an instance method of an interface, abstract class or enum";
        }
        if (type.getEnclosingClass() != null && !Modifier.isStatic(type.getModifiers())) {
            return "an instance method of an inner (non-static) class";
        }
        try {
            type.getConstructor();
            return null;
        } catch (NoSuchMethodException e) {
            return "its class has no public no-argument constructor";
        }
    }

    private void unsupported(String className, String method, String sig, String why) {
        line("{\"kind\":\"unsupported\",\"class\":" + Render.json(className) + ",\"method\":" + Render.json(method)
                + ",\"sig\":" + Render.json(sig) + ",\"why\":" + Render.json(why) + "}");
    }

    static String signature(Method m) {
        StringBuilder s = new StringBuilder(m.getName()).append("(");
        Class<?>[] params = m.getParameterTypes();
        for (int i = 0; i < params.length; i++) {
            s.append(i == 0 ? "" : ",").append(params[i].getTypeName());
        }
        return s.append(")").toString();
    }

    /** Fresh copies of array arguments: a call that sorts or fills its input must not change the next call's. */
    private static Object[] copy(Object[] args) {
        Object[] copy = args.clone();
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] != null && copy[i].getClass().isArray()) {
                int length = Array.getLength(copy[i]);
                Object fresh = Array.newInstance(copy[i].getClass().getComponentType(), length);
                System.arraycopy(copy[i], 0, fresh, 0, length);
                copy[i] = fresh;
            }
        }
        return copy;
    }

    private static String message(Throwable e) {
        String message = e.getMessage();
        return message == null ? "" : message;
    }

    private void line(String json) {
        out.println(json);
        out.flush();
    }
}
