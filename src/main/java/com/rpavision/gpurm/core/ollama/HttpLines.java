package com.rpavision.gpurm.core.ollama;

import java.io.IOException;
import java.io.InputStream;
import java.net.SocketException;
import java.util.function.BiConsumer;

/** HTTP/1.1 lines and header fields as they come off a connection, for the proxy's server and its client. */
public final class HttpLines {

    private HttpLines() {
    }

    /** A line longer than allowed: the connection cannot be read further. */
    public static final class LineTooLong extends IOException {
        LineTooLong(int max) {
            super("line longer than " + max + " bytes");
        }
    }

    /** A CRLF (or LF) terminated line in ISO-8859-1; null at the end of the stream before any byte. */
    public static String readLine(InputStream in, int max) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        try {
            while ((c = in.read()) != -1) {
                if (c == '\n') {
                    int end = line.length();
                    return end > 0 && line.charAt(end - 1) == '\r' ? line.substring(0, end - 1) : line.toString();
                }
                if (line.length() >= max) {
                    throw new LineTooLong(max);
                }
                line.append((char) c);
            }
        } catch (SocketException e) {
            if (line.length() == 0) {
                return null; // reset or closed while idle between requests
            }
            throw e;
        }
        return line.length() == 0 ? null : line.toString();
    }

    /**
     * Reads header fields up to the empty line, handing each to {@code field} (name and value trimmed).
     *
     * @return false when they are malformed or larger than {@code maxBytes} in all
     */
    public static boolean readFields(InputStream in, int maxBytes, BiConsumer<String, String> field) throws IOException {
        int total = 0;
        try {
            for (String line; (line = readLine(in, maxBytes)) != null && !line.isEmpty(); ) {
                total += line.length();
                int colon = line.indexOf(':');
                if (total > maxBytes || colon <= 0) {
                    return false;
                }
                field.accept(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        } catch (LineTooLong e) {
            return false;
        }
        return true;
    }
}
