package dev.titans4j.titans.memory;

import dev.titans4j.titans.format.Envelope;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/** Test helpers for the formats' byte layouts: the payload of an envelope and the pre-envelope frame. */
final class LegacyFrames {

    private LegacyFrames() {
    }

    /** The payload of {@code Envelope} bytes written for {@code codec}. */
    static byte[] payload(byte[] enveloped, String codec) {
        return Arrays.copyOfRange(enveloped, Envelope.headerLength(codec), enveloped.length - 8);
    }

    /** The frame of TTNS versions 1-2 / TTNP version 1: magic, version, length, CRC32C of the payload, payload. */
    static byte[] frame(String magic, int version, byte[] payload) {
        CRC32C crc = new CRC32C();
        crc.update(payload);
        return ByteBuffer.allocate(16 + payload.length).put(magic.getBytes(StandardCharsets.US_ASCII))
                .putInt(version).putInt(payload.length).putInt((int) crc.getValue()).put(payload).array();
    }
}
