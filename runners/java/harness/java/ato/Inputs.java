package ato;

import java.lang.reflect.Array;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Seeded inputs for methods with simple parameter types: primitives, their boxes, String, enums and arrays of
 * these. The same seed and signature give the same inputs in every JVM, so base and head see the same calls.
 * Boundary values come first (zero, one, limits, empty, null), then random ones.
 */
final class Inputs {
    /** Calls per method: enough to cross common thresholds without burying the reviewer. */
    static final int PER_METHOD = 24;
    private static final int[] STRIDES = {1, 5, 7, 11, 13, 17, 19, 23};

    private Inputs() {
    }

    /** Whether a parameter of this type can be generated. */
    static boolean simple(Class<?> type) {
        if (type.isArray()) {
            Class<?> component = type.getComponentType();
            return !component.isArray() && simple(component);
        }
        return type.isPrimitive() && type != void.class
                || type == String.class
                || type == Integer.class || type == Long.class || type == Double.class || type == Float.class
                || type == Short.class || type == Byte.class || type == Boolean.class || type == Character.class
                || type.isEnum();
    }

    /** The argument lists for a method, or none when it has no parameters (then it is called once). */
    static List<Object[]> forParameters(Class<?>[] types, long seed, String signature) {
        List<Object[]> calls = new ArrayList<>();
        if (types.length == 0) {
            calls.add(new Object[0]);
            return calls;
        }
        Random random = new Random(seed * 1_000_003L + signature.hashCode());
        List<List<Object>> pools = new ArrayList<>();
        for (Class<?> type : types) {
            pools.add(pool(type, random));
        }
        for (int k = 0; k < PER_METHOD; k++) {
            Object[] args = new Object[types.length];
            for (int p = 0; p < types.length; p++) {
                List<Object> pool = pools.get(p);
                // Each parameter walks its pool with its own stride, coprime to the pool's size (24): every
                // value of every parameter is used, boundary values meet (call 0 is all zeros), and pairs vary.
                args[p] = pool.get((k * STRIDES[p % STRIDES.length] + p / STRIDES.length) % pool.size());
            }
            if (!contains(calls, args)) {
                calls.add(args);
            }
        }
        return calls;
    }

    private static boolean contains(List<Object[]> calls, Object[] args) {
        for (Object[] call : calls) {
            if (Arrays.deepEquals(call, args)) {
                return true;
            }
        }
        return false;
    }

    private static List<Object> pool(Class<?> type, Random random) {
        List<Object> values = new ArrayList<>(edges(type));
        while (values.size() < PER_METHOD) {
            values.add(randomValue(type, random));
        }
        return values;
    }

    private static List<Object> edges(Class<?> type) {
        if (type == int.class || type == Integer.class) {
            return boxedOr(type, 0, 1, -1, 2, 10, -10, 100, 101, -100, 1000, Integer.MAX_VALUE, Integer.MIN_VALUE);
        }
        if (type == long.class || type == Long.class) {
            return boxedOr(type, 0L, 1L, -1L, 2L, 10L, 100L, 101L, -100L, 1000L, Long.MAX_VALUE, Long.MIN_VALUE);
        }
        if (type == double.class || type == Double.class) {
            return boxedOr(type, 0.0, 1.0, -1.0, 0.5, 2.5, 100.0, -100.5, 1e9, Double.NaN);
        }
        if (type == float.class || type == Float.class) {
            return boxedOr(type, 0.0f, 1.0f, -1.0f, 0.5f, 2.5f, 100.0f, -100.5f);
        }
        if (type == short.class || type == Short.class) {
            return boxedOr(type, (short) 0, (short) 1, (short) -1, (short) 100, Short.MAX_VALUE, Short.MIN_VALUE);
        }
        if (type == byte.class || type == Byte.class) {
            return boxedOr(type, (byte) 0, (byte) 1, (byte) -1, Byte.MAX_VALUE, Byte.MIN_VALUE);
        }
        if (type == boolean.class || type == Boolean.class) {
            return boxedOr(type, true, false);
        }
        if (type == char.class || type == Character.class) {
            return boxedOr(type, 'a', 'Z', '0', ' ', '\n');
        }
        if (type == String.class) {
            return Arrays.asList("", "a", "abc", "Hello, World", " ", "42", "-1", null);
        }
        if (type.isEnum()) {
            List<Object> constants = new ArrayList<>(Arrays.asList(type.getEnumConstants()));
            constants.add(null);
            return constants;
        }
        List<Object> arrays = new ArrayList<>();
        Class<?> component = type.getComponentType();
        arrays.add(Array.newInstance(component, 0));
        List<Object> elements = edges(component);
        Object three = Array.newInstance(component, 3);
        for (int i = 0; i < 3; i++) {
            Array.set(three, i, elements.get((i + 1) % elements.size()));
        }
        arrays.add(three);
        arrays.add(null);
        return arrays;
    }

    /** The values, plus null when the type is a box (a null box is a real input to a public method). */
    private static List<Object> boxedOr(Class<?> type, Object... values) {
        List<Object> list = new ArrayList<>(Arrays.asList(values));
        if (!type.isPrimitive()) {
            list.add(null);
        }
        return list;
    }

    private static Object randomValue(Class<?> type, Random random) {
        if (type == int.class || type == Integer.class) {
            return random.nextInt(2001) - 1000;
        }
        if (type == long.class || type == Long.class) {
            return (long) (random.nextInt(2_000_001) - 1_000_000);
        }
        if (type == double.class || type == Double.class) {
            return Math.round((random.nextDouble() * 2000 - 1000) * 100) / 100.0;
        }
        if (type == float.class || type == Float.class) {
            return (float) (Math.round((random.nextDouble() * 200 - 100) * 4) / 4.0);
        }
        if (type == short.class || type == Short.class) {
            return (short) (random.nextInt(2001) - 1000);
        }
        if (type == byte.class || type == Byte.class) {
            return (byte) (random.nextInt(256) - 128);
        }
        if (type == boolean.class || type == Boolean.class) {
            return random.nextBoolean();
        }
        if (type == char.class || type == Character.class) {
            return (char) ('!' + random.nextInt(94));
        }
        if (type == String.class) {
            String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 -_.,";
            StringBuilder s = new StringBuilder();
            int length = random.nextInt(12);
            for (int i = 0; i < length; i++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            return s.toString();
        }
        if (type.isEnum()) {
            Object[] constants = type.getEnumConstants();
            return constants.length == 0 ? null : constants[random.nextInt(constants.length)];
        }
        Class<?> component = type.getComponentType();
        int length = random.nextInt(5);
        Object array = Array.newInstance(component, length);
        for (int i = 0; i < length; i++) {
            Array.set(array, i, randomValue(component, random));
        }
        return array;
    }
}
