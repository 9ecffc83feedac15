package dev.maitre.server;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The walls between modules (DESIGN.md §1), checked on the compiled main classes of proxy-api,
 * proxy-engine, proxy-health and proxy-server, which this module's tests all see. A dependency on
 * bench, chaos or testing code is found by the name of what is used, so those modules need not be
 * on this class path for the rules to catch it.
 */
class ModuleWallsTest {

    static final String API = "dev.maitre.api..";
    static final String ENGINE = "dev.maitre.engine..";
    static final String HEALTH = "dev.maitre.health..";
    static final String SERVER = "dev.maitre.server..";

    private static JavaClasses mainClasses;
    private static JavaClasses production;

    @BeforeAll
    static void importMainClasses() {
        production = mainClasses();
    }

    /** The main classes of the four production modules, their tests left out; imported once for all rules. */
    static synchronized JavaClasses mainClasses() {
        if (mainClasses == null) {
            mainClasses = new ClassFileImporter()
                    .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                    .importPackages("dev.maitre.api", "dev.maitre.engine", "dev.maitre.health", "dev.maitre.server");
        }
        return mainClasses;
    }

    @Test
    void theApiImportsNothingOfOurs() {
        noClasses().that().resideInAPackage(API)
                .should().dependOnClassesThat(resideInAPackage("dev.maitre..").and(not(resideInAPackage(API))))
                .because("proxy-api is the vocabulary every other module shares; it depends on the JDK only")
                .check(production);
    }

    @Test
    void theEngineNeverImportsHealth() {
        noClasses().that().resideInAPackage(ENGINE)
                .should().dependOnClassesThat().resideInAnyPackage(HEALTH, SERVER)
                .because("the data plane sees health only through HealthView and OutcomeListener of proxy-api")
                .check(production);
    }

    @Test
    void healthNeverImportsTheEngine() {
        noClasses().that().resideInAPackage(HEALTH)
                .should().dependOnClassesThat().resideInAnyPackage(ENGINE, SERVER)
                .because("health decides from checks and reported outcomes, never from the engine's insides")
                .check(production);
    }

    @Test
    void noProductionModuleImportsBenchChaosOrTestSupport() {
        noClasses().that().resideInAnyPackage(API, ENGINE, HEALTH, SERVER)
                .should().dependOnClassesThat(
                        resideInAnyPackage("dev.maitre.bench..", "dev.maitre.chaos..", "dev.maitre.testing.."))
                .because("benchmarks, the chaos suite and test support are built on the product, never into it")
                .check(production);
    }
}
