package com.rpavision.gpurm.app;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class PortHolderTest {

    @Test
    void procNetTcpGivesTheListeningSocketsInodeNotAConnectionsOnTheSamePort() {
        List<String> lines = List.of(
                "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode",
                "   0: 0100007F:2CAC 0100007F:D431 01 00000000:00000000 00:00000000 00000000  1000        0 99999 1",
                "   1: 0100007F:2CAC 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 123456 1",
                "   2: 00000000:2CAB 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 777 1");
        assertThat(PortHolder.listeningInode(lines, 11436)).contains("123456");
        assertThat(PortHolder.listeningInode(lines, 11437)).isEmpty();
    }

    @Test
    void netstatGivesTheListeningPid() {
        List<String> lines = List.of("", "Active Connections", "",
                "  Proto  Local Address          Foreign Address        State           PID",
                "  TCP    127.0.0.1:11436        127.0.0.1:50000        ESTABLISHED     9",
                "  TCP    127.0.0.1:11436        0.0.0.0:0              ABHÖREN         4242");
        assertThat(PortHolder.netstatPid(lines, 11436)).hasValue(4242);
        assertThat(PortHolder.netstatPid(lines, 1143)).isEmpty();
    }

    @Test
    void onLinuxThisProcessIsFoundHoldingItsOwnPort() throws IOException {
        assumeTrue(Files.isReadable(Path.of("/proc/net/tcp")), "Linux only");
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThat(PortHolder.linuxPid(Path.of("/proc"), socket.getLocalPort())).hasValue(ProcessHandle.current().pid());
        }
    }
}
