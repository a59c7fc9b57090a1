package com.rpavision.gpurm.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.AclEntryType;
import java.nio.file.attribute.AclFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Readable by the user only", as the file system at hand says it: POSIX mode 0600, or, on Windows (no POSIX
 * permissions), an ACL whose every entry allows the file's owner and no one else. So the same test checks the
 * Linux and the Windows way of keeping a secret file private, each where it runs.
 */
public final class OwnerOnly {

    private OwnerOnly() {
    }

    public static void assertReadableByTheOwnerOnly(Path file) throws IOException {
        if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).as("the mode of %s", file)
                    .isEqualTo("rw-------");
            return;
        }
        AclFileAttributeView view = Files.getFileAttributeView(file, AclFileAttributeView.class);
        assertThat(view).as("%s has neither POSIX permissions nor an ACL", file).isNotNull();
        UserPrincipal owner = Files.getOwner(file);
        assertThat(view.getAcl()).as("the ACL of %s (owner %s)", file, owner.getName()).isNotEmpty()
                .allSatisfy(entry -> {
                    assertThat(entry.type()).isEqualTo(AclEntryType.ALLOW);
                    assertThat(entry.principal()).isEqualTo(owner);
                });
    }
}
