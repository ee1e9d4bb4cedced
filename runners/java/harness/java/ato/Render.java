package ato;

import java.lang.reflect.Array;
import java.lang.reflect.Method;

/**
 * Values as Java source text: the inputs of a call ("Calc.add(1, -2)") and what it returned. Values a test can
 * rebuild get a source expression; others (objects of the PR's own types) only a readable text.
 */
final class Render {
    /** Values are cut to this many characters (runners/PROTOCOL.md). */
    static final int CAP = 2000;

    private Render() {
    }

    /** The name of a type as written in a test placed in package {@code pkg}. */
    static String typeName(Class<?> type, String pkg) {
        if (type.isArray()) {
            return typeName(type.getComponentType(), pkg) + "[]";
        }
        if (type.isPrimitive()) {
            return type.getName();
        }
        String canonical = type.getCanonicalName();
        if (canonical == null) {
            canonical = type.getName().replace('$', '.');
        }
        String own = type.getPackageName();
        if (own.equals("java.lang") || (own.equals(pkg) && !own.isEmpty())) {
            return canonical.substring(own.length() + 1);
        }
        return canonical;
    }

    /** Java source for a value of a simple type, or null when the value has none. */
    static String source(Object value, Class<?> declared, String pkg) {
        if (value == null) {
            return "null";
        }
        Class<?> type = value.getClass();
        if (value instanceof String) {
            return stringLiteral((String) value);
        }
        if (value instanceof Character) {
            return charLiteral((Character) value);
        }
        if (value instanceof Integer || value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof Long) {
            return value + "L";
        }
        if (value instanceof Short) {
            return "(short) " + value;
        }
        if (value instanceof Byte) {
            return "(byte) " + value;
        }
        if (value instanceof Double) {
            return doubleSource((Double) value);
        }
        if (value instanceof Float) {
            return floatSource((Float) value);
        }
        if (type.isEnum() || (type.getSuperclass() != null && type.getSuperclass().isEnum())) {
            Enum<?> constant = (Enum<?>) value;
            return typeName(constant.getDeclaringClass(), pkg) + "." + constant.name();
        }
        if (type.isArray()) {
            StringBuilder out = new StringBuilder("new ").append(typeName(type, pkg)).append("{");
            int length = Array.getLength(value);
            for (int i = 0; i < length; i++) {
                String element = source(Array.get(value, i), type.getComponentType(), pkg);
                if (element == null) {
                    return null;
                }
                out.append(i == 0 ? "" : ", ").append(element);
                if (out.length() > CAP) {
                    return null;
                }
            }
            return out.append("}").toString();
        }
        return null;
    }

    /** Readable text of any value: its source when it has one, else its own toString when the class has one. */
    static String text(Object value, String pkg) {
        String source = source(value, value == null ? Object.class : value.getClass(), pkg);
        if (source != null) {
            return cap(source);
        }
        if (hasOwnToString(value.getClass())) {
            return cap(String.valueOf(value));
        }
        return "<" + value.getClass().getName() + " instance>";
    }

    static boolean hasOwnToString(Class<?> type) {
        try {
            Method toString = type.getMethod("toString");
            return toString.getDeclaringClass() != Object.class;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    static String cap(String text) {
        return text.length() <= CAP ? text : text.substring(0, CAP) + "… (cut)";
    }

    static String stringLiteral(String s) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            out.append(escape(c, '"'));
        }
        return out.append('"').toString();
    }

    static String charLiteral(char c) {
        return "'" + escape(c, '\'') + "'";
    }

    private static String escape(char c, char quote) {
        switch (c) {
            case '\\': return "\\\\";
            case '\n': return "\\n";
            case '\r': return "\\r";
            case '\t': return "\\t";
            default:
                if (c == quote) {
                    return "\\" + c;
                }
                if (c < 0x20 || c > 0x7e) {
                    return String.format("\\u%04x", (int) c);
                }
                return String.valueOf(c);
        }
    }

    private static String doubleSource(double d) {
        if (Double.isNaN(d)) {
            return "Double.NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "Double.POSITIVE_INFINITY" : "Double.NEGATIVE_INFINITY";
        }
        return Double.toString(d);
    }

    private static String floatSource(float f) {
        if (Float.isNaN(f)) {
            return "Float.NaN";
        }
        if (Float.isInfinite(f)) {
            return f > 0 ? "Float.POSITIVE_INFINITY" : "Float.NEGATIVE_INFINITY";
        }
        return Float.toString(f) + "f";
    }

    /** A JSON string literal (the probe writes JSON lines by hand: the image has no JSON library for Java). */
    static String json(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder out = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (c < 0x20 || Character.isSurrogate(c)) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
            }
        }
        return out.append('"').toString();
    }
}
