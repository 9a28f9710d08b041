/**
 * The binary envelope shared by every titans4j format ({@link dev.titans4j.titans.format.Envelope}: codec name,
 * version range, CRC32C footer) and the one exception for stored bytes that cannot be used
 * ({@link dev.titans4j.titans.format.CorruptStateException}).
 */
package dev.titans4j.titans.format;
