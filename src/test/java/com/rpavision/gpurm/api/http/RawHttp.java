package com.rpavision.gpurm.api.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/** Raw bytes on a loopback socket, for requests no well-behaved client would send. */
public final class RawHttp {

    private RawHttp() {
    }

    /** A connection to {@code port} whose reads give up after 5 s (a test then fails instead of hanging). */
    public static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout(5_000);
        return socket;
    }

    /** Everything the server sent before it closed the connection. */
    public static String exchange(int port, String raw) throws IOException {
        try (Socket socket = connect(port)) {
            send(socket, raw);
            return readAll(socket.getInputStream());
        }
    }

    public static void send(Socket socket, String raw) throws IOException {
        socket.getOutputStream().write(raw.getBytes(StandardCharsets.ISO_8859_1));
        socket.getOutputStream().flush();
    }

    public static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all);
        return all.toString(StandardCharsets.ISO_8859_1);
    }

    /** How many answers the wire holds (status lines). */
    public static int answers(String wire) {
        return wire.split("HTTP/1\\.1 ", -1).length - 1;
    }
}
