package org.ezshop.pi.outbox;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * One outbox record as it lies in a segment file: its length, a CRC32C, its sequence number, how many readings it
 * holds, how many earlier losses it reports, then the payload.
 */
final class Record {

  static final int HEADER = 4 + 4 + 8 + 4 + 8;

  private Record() {
  }

  static ByteBuffer encode(long seq, int readings, long reports, byte[] payload) {
    return ByteBuffer.allocate(HEADER + payload.length).putInt(payload.length)
        .putInt(crc(seq, readings, reports, payload)).putLong(seq).putInt(readings).putLong(reports).put(payload).flip();
  }

  /** The record at {@code position}; null at the end, or where a torn or corrupt record starts. */
  static Outbox.Entry read(FileChannel channel, long position) throws IOException {
    ByteBuffer header = ByteBuffer.allocate(HEADER);
    if (channel.read(header, position) < HEADER) {
      return null;
    }
    header.flip();
    int length = header.getInt();
    int crc = header.getInt();
    long seq = header.getLong();
    int readings = header.getInt();
    long reports = header.getLong();
    if (length < 0 || length > channel.size() - position - HEADER) {
      return null;
    }
    ByteBuffer payload = ByteBuffer.allocate(length);
    channel.read(payload, position + HEADER);
    if (crc(seq, readings, reports, payload.array()) != crc) {
      return null;
    }
    return new Outbox.Entry(seq, readings, reports, payload.array());
  }

  private static int crc(long seq, int readings, long reports, byte[] payload) {
    CRC32C crc = new CRC32C();
    crc.update(ByteBuffer.allocate(20).putLong(seq).putInt(readings).putLong(reports).flip());
    crc.update(payload);
    return (int) crc.getValue();
  }
}
