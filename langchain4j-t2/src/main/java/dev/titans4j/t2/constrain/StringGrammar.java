package dev.titans4j.t2.constrain;

import java.io.ByteArrayOutputStream;

/**
 * A JSON string: {@code "}, then characters as well-formed UTF-8 (no overlongs, no surrogates, nothing above
 * U+10FFFF), no raw control bytes, escapes {@code \" \\ \/ \b \f \n \r \t \\uXXXX} (no lone surrogate
 * escapes), then {@code "}. At most {@code maxBytes} bytes between the quotes.
 */
final class StringGrammar implements Spec {

    static final int BODY = 0;
    static final int ESCAPE = 1;
    static final int HEX = 2;
    static final int UTF8 = 3;

    private final int maxBytes;

    StringGrammar(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    private static final byte[] EMPTY = {'"', '"'};

    @Override
    public byte[] shortest() {
        return EMPTY;
    }

    @Override
    public void begin(int b, Stack rest, Stack.Sink out) {
        if (b == '"') {
            out.add(rest.push(new Chars(BODY, maxBytes, 0, 0, 0)));
        }
    }

    /**
     * Inside the quotes. {@code left}: byte budget still free (reserved up front for a whole UTF-8 character or
     * escape, so a started one can always be finished). {@code pending}: continuation bytes or hex digits still
     * owed; {@code lo..hi}: the range allowed for the next one.
     */
    record Chars(int phase, int left, int pending, int lo, int hi) implements Frame {

        @Override
        public void step(int b, Stack rest, Stack.Sink out) {
            Frame next = switch (phase) {
                case BODY -> body(b, rest, out);
                case ESCAPE -> escape(b);
                case HEX -> hex(b);
                default -> utf8(b);
            };
            if (next != null) {
                out.add(rest.push(next));
            }
        }

        private Frame body(int b, Stack rest, Stack.Sink out) {
            if (b == '"') {
                out.add(rest);
                return null;
            }
            if (b == '\\') {
                return left >= 2 ? new Chars(ESCAPE, left - 2, 0, 0, 0) : null;
            }
            if (b < 0x20) {
                return null;
            }
            if (b < 0x80) {
                return left >= 1 ? new Chars(BODY, left - 1, 0, 0, 0) : null;
            }
            int size;
            int lo = 0x80;
            int hi = 0xBF;
            if (b >= 0xC2 && b <= 0xDF) {
                size = 2;
            } else if (b >= 0xE0 && b <= 0xEF) {
                size = 3;
                if (b == 0xE0) {
                    lo = 0xA0; // no overlongs
                } else if (b == 0xED) {
                    hi = 0x9F; // no UTF-16 surrogates
                }
            } else if (b >= 0xF0 && b <= 0xF4) {
                size = 4;
                if (b == 0xF0) {
                    lo = 0x90;
                } else if (b == 0xF4) {
                    hi = 0x8F; // nothing above U+10FFFF
                }
            } else {
                return null;
            }
            return left >= size ? new Chars(UTF8, left - size, size - 1, lo, hi) : null;
        }

        private Frame escape(int b) {
            return switch (b) {
                case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> new Chars(BODY, left, 0, 0, 0);
                case 'u' -> left >= 4 ? new Chars(HEX, left - 4, 4, 0, 0) : null;
                default -> null;
            };
        }

        private Frame hex(int b) {
            int v = Character.digit(b, 16);
            if (v < 0 || (lo == 1 && v > 7)) {
                return null;
            }
            if (pending == 1) {
                return new Chars(BODY, left, 0, 0, 0);
            }
            // \\uD800-\\uDFFF would be half a surrogate pair: after a leading 'd' the next digit must be 0-7
            boolean restrictNext = pending == 4 && v == 0xD;
            return new Chars(HEX, left, pending - 1, restrictNext ? 1 : 0, 0);
        }

        private Frame utf8(int b) {
            if (b < lo || b > hi) {
                return null;
            }
            return pending == 1 ? new Chars(BODY, left, 0, 0, 0) : new Chars(UTF8, left, pending - 1, 0x80, 0xBF);
        }

        @Override
        public Frame clamp(int cap) {
            return left > cap ? new Chars(phase, cap, pending, lo, hi) : this;
        }

        /** Finishes the escape or character under way with its smallest allowed bytes, then the quote. */
        @Override
        public boolean appendShortestEnd(Stack rest, ByteArrayOutputStream out) {
            switch (phase) {
                case ESCAPE -> out.write('n');
                case HEX -> {
                    for (int i = 0; i < pending; i++) {
                        out.write('0');
                    }
                }
                case UTF8 -> {
                    out.write(lo);
                    for (int i = 1; i < pending; i++) {
                        out.write(0x80);
                    }
                }
                default -> { }
            }
            out.write('"');
            return true;
        }
    }
}
