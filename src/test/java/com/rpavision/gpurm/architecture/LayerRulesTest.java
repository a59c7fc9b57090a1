package com.rpavision.gpurm.architecture;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

/** The layers the project lives by, checked on every build. */
class LayerRulesTest {

    private static JavaClasses production;

    @BeforeAll
    static void importClasses() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("com.rpavision.gpurm");
    }

    @Test
    void theCoreNeverTouchesJavaFx() {
        noClasses().that().resideInAPackage("com.rpavision.gpurm.core..")
                .should().dependOnClassesThat().resideInAnyPackage("javafx..", "org.controlsfx..", "atlantafx..")
                .because("the core must run headless and from any thread")
                .check(production);
    }

    @Test
    void theCoreDoesNotDependOnTheApplication() {
        noClasses().that().resideInAPackage("com.rpavision.gpurm.core..")
                .should().dependOnClassesThat().resideInAPackage("com.rpavision.gpurm.app..")
                .check(production);
    }

    @Test
    void onlyTheGpuPackageTheThemeProbeAndStartAtLoginTalkToNativeCode() {
        noClasses().that().resideOutsideOfPackage("com.rpavision.gpurm.core.gpu..")
                .and().doNotHaveFullyQualifiedName("com.rpavision.gpurm.ui.prefs.SystemAppearance")
                .and().resideOutsideOfPackage("com.rpavision.gpurm.app.autostart..")
                .should().dependOnClassesThat().resideInAPackage("com.sun.jna..")
                .because("NVML is read in one place; the Windows registry in two others (dark theme, start at login)")
                .check(production);
    }

    @Test
    void onlyTheOllamaPackageSpeaksHttp() {
        noClasses().that().resideOutsideOfPackage("com.rpavision.gpurm.core.ollama..")
                .should().dependOnClassesThat().resideInAPackage("okhttp3..")
                .check(production);
    }

    @Test
    void onlyTheClipPackageUsesDjl() {
        noClasses().that().resideOutsideOfPackage("com.rpavision.gpurm.core.clip..")
                .should().dependOnClassesThat().resideInAPackage("ai.djl..")
                .because("the manager drives CLIP through its port; DJL stays behind it")
                .check(production);
    }

    @Test
    void theCoreCreatesNoThreadsOutsideTheOnePlaceForThem() {
        noClasses().that().resideInAPackage("com.rpavision.gpurm.core..")
                .and().resideOutsideOfPackage("com.rpavision.gpurm.core.concurrent..")
                .should().callMethod(java.util.concurrent.Executors.class, "newSingleThreadExecutor")
                .orShould().callMethod(java.util.concurrent.Executors.class, "newScheduledThreadPool", int.class)
                .orShould().callConstructor(Thread.class, Runnable.class)
                .check(production);
    }
}
