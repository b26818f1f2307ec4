package io.jselectors.internal.os;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The OS facts of one platform profile: every constant, struct size and field offset the bindings use,
 * each with the header it comes from, and the C functions that only some platforms have.
 *
 * <p>Built once per profile by {@link LinuxTables}, {@link MacosTables}, {@link FreeBsdTables} (and
 * {@link LibkqueueTables} for libkqueue's kqueue facts); selected once by {@link Abi}. The bindings read
 * the values they need into {@code static final} fields at class initialisation, where the JIT folds them
 * into constants; nothing on a hot path looks a fact up by name.
 */
public final class AbiTable {
    /** The operating system families with a table. */
    public enum Os {
        /** Linux with glibc. */
        LINUX,
        /** macOS (Darwin, xnu). */
        MACOS,
        /** FreeBSD 12 or later. */
        FREEBSD
    }

    /** What a fact describes; its word starts the fact's line in {@link AbiDump}. */
    public enum Kind {
        /** A macro or enumerator: {@code const NAME value}. */
        CONST("const"),
        /** The size of a type or of a field: {@code sizeof type value}, {@code sizeof type.field value}. */
        SIZEOF("sizeof"),
        /** The offset of a field: {@code offset type.field value}. */
        OFFSET("offset");

        private final String word;

        Kind(String word) {
            this.word = word;
        }

        /** @return the word that starts the fact's line */
        public String word() {
            return word;
        }
    }

    /**
     * One fact.
     *
     * @param kind    what it describes
     * @param name    the C name exactly as in the header ({@code SOL_SOCKET}, {@code sockaddr_in6},
     *                {@code sockaddr_in6.sin6_port}); struct names without the {@code struct} keyword
     * @param value   the value
     * @param include the header a C program includes for it, e.g. {@code sys/socket.h}
     * @param source  the file the value was read from, e.g. {@code xnu bsd/sys/socket.h}
     */
    public record Fact(Kind kind, String name, long value, String include, String source) {
        /** @return the fact as {@link AbiDump} prints it: {@code const SOL_SOCKET 65535} */
        public String line() {
            return kind.word() + " " + name + " " + value;
        }
    }

    private final String profile;
    private final Os os;
    private final List<Fact> facts;
    private final Map<String, Fact> byKey;
    private final Set<String> functions;

    private AbiTable(String profile, Os os, List<Fact> facts, Set<String> functions) {
        this.profile = profile;
        this.os = os;
        this.facts = List.copyOf(facts);
        Map<String, Fact> m = new LinkedHashMap<>();
        for (Fact f : facts) {
            if (m.putIfAbsent(key(f.kind(), f.name()), f) != null) {
                throw new IllegalStateException(profile + ": " + f.kind().word() + " " + f.name() + " is listed twice");
            }
        }
        this.byKey = Collections.unmodifiableMap(m);
        this.functions = Collections.unmodifiableSet(new TreeSet<>(functions));
    }

    private static String key(Kind kind, String name) {
        return kind.word() + " " + name;
    }

    /** @return the profile's name, e.g. {@code macos-aarch64} */
    public String profile() {
        return profile;
    }

    /** @return the operating system family */
    public Os os() {
        return os;
    }

    /** @return every fact, in header groups, in the order the table lists them */
    public List<Fact> facts() {
        return facts;
    }

    /**
     * @param name a constant's C name
     * @return whether this platform's headers define it
     */
    public boolean has(String name) {
        return byKey.containsKey(key(Kind.CONST, name));
    }

    /**
     * @param symbol a C function that only some platforms have, e.g. {@code accept4}
     * @return whether this platform's C library has it (and the bindings may link it)
     */
    public boolean hasFunction(String symbol) {
        return functions.contains(symbol);
    }

    /** @return the platform-specific C functions this platform has, sorted */
    public Set<String> functions() {
        return functions;
    }

    /**
     * @param name a constant's C name
     * @return its value as a C int (hex masks such as {@code 0xc0000000} wrap as in C)
     * @throws IllegalStateException when the table lacks it: a binding asked for a fact no header gave
     */
    public int constant(String name) {
        return (int) get(Kind.CONST, name).value();
    }

    /**
     * @param name     a constant's C name
     * @param absent   what to use where the platform has no such constant
     * @return its value, or {@code absent}
     */
    public int constantOr(String name, int absent) {
        Fact f = byKey.get(key(Kind.CONST, name));
        return f == null ? absent : (int) f.value();
    }

    /**
     * @param type a type ({@code sockaddr_in6}, {@code nfds_t}) or a field ({@code msghdr.msg_iovlen})
     * @return its size in bytes
     * @throws IllegalStateException when the table lacks it
     */
    public int sizeOf(String type) {
        return (int) get(Kind.SIZEOF, type).value();
    }

    /**
     * @param type   a type
     * @param absent what to use where the platform has no such type
     * @return its size, or {@code absent}
     */
    public int sizeOfOr(String type, int absent) {
        Fact f = byKey.get(key(Kind.SIZEOF, type));
        return f == null ? absent : (int) f.value();
    }

    /**
     * @param field {@code type.field}, e.g. {@code sockaddr_in6.sin6_port}
     * @return its offset in bytes
     * @throws IllegalStateException when the table lacks it
     */
    public int offsetOf(String field) {
        return (int) get(Kind.OFFSET, field).value();
    }

    /**
     * @param field  {@code type.field}
     * @param absent what to use where the platform has no such field
     * @return its offset, or {@code absent}
     */
    public int offsetOfOr(String field, int absent) {
        Fact f = byKey.get(key(Kind.OFFSET, field));
        return f == null ? absent : (int) f.value();
    }

    /**
     * @param kind the kind
     * @param name the C name
     * @return the fact
     * @throws IllegalStateException when the table lacks it
     */
    public Fact get(Kind kind, String name) {
        Fact f = byKey.get(key(kind, name));
        if (f == null) {
            throw new IllegalStateException("the " + profile + " OS table has no " + kind.word() + " " + name);
        }
        return f;
    }

    /**
     * Checks a binding's Java layout against the header's size, at class initialisation.
     *
     * @param layout the layout the binding allocates with
     * @param type   the C type
     * @throws IllegalStateException when they differ: the binding would read or write outside the struct
     */
    public void checkSize(java.lang.foreign.MemoryLayout layout, String type) {
        if (layout.byteSize() != sizeOf(type)) {
            throw new IllegalStateException("the " + profile + " layout of " + type + " is " + layout.byteSize()
                    + " bytes but its header says " + sizeOf(type));
        }
    }

    @Override
    public String toString() {
        return profile + " (" + facts.size() + " facts)";
    }

    /**
     * @param profile the profile's name
     * @param os      its operating system family
     * @return a builder for a table
     */
    static Builder builder(String profile, Os os) {
        return new Builder(profile, os);
    }

    /** Collects a table's facts header by header. */
    static final class Builder {
        private final String profile;
        private final Os os;
        private final List<Fact> facts = new ArrayList<>();
        private final Set<String> functions = new TreeSet<>();
        private String include;
        private String source;

        private Builder(String profile, Os os) {
            this.profile = profile;
            this.os = os;
        }

        /**
         * Starts a group of facts from one header.
         *
         * @param include what a C program includes, e.g. {@code sys/socket.h}
         * @param source  the file in the OS's source the values were read from
         * @return this
         */
        Builder header(String include, String source) {
            this.include = include;
            this.source = source;
            return this;
        }

        Builder constant(String name, long value) {
            return add(Kind.CONST, name, value);
        }

        Builder sizeOf(String type, long value) {
            return add(Kind.SIZEOF, type, value);
        }

        Builder offset(String field, long value) {
            if (field.indexOf('.') < 1) {
                throw new IllegalArgumentException("offset needs type.field, got " + field);
            }
            return add(Kind.OFFSET, field, value);
        }

        /** Adds every fact of another table (a shared set, such as libkqueue's kqueue facts). */
        Builder all(List<Fact> shared) {
            facts.addAll(shared);
            return this;
        }

        /** Adds a group of facts shared by several profiles ({@link SharedFacts}). */
        Builder with(java.util.function.Consumer<Builder> group) {
            group.accept(this);
            return this;
        }

        /** Declares C functions only some platforms have, which this one has. */
        Builder functions(String... symbols) {
            functions.addAll(List.of(symbols));
            return this;
        }

        private Builder add(Kind kind, String name, long value) {
            if (include == null) {
                throw new IllegalStateException("header(...) first: every fact names its header");
            }
            facts.add(new Fact(kind, name, value, include, source));
            return this;
        }

        AbiTable build() {
            return new AbiTable(profile, os, facts, functions);
        }
    }
}
