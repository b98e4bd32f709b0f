package org.sentimentstream.bench;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.lang.ArchRule;
import org.apache.flink.annotation.Internal;
import org.apache.flink.annotation.PublicEvolving;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.core.domain.properties.CanBeAnnotated.Predicates.annotatedWith;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The wall around the udf library, checked on the compiled classes of every module of the build, main and test
 * ({@code <module>/target/classes} and {@code target/test-classes}; this module is last in the reactor, so in
 * {@code ./mvnw verify} every module is compiled before it runs): outside {@code org.sentimentstream.udf}, nothing
 * uses udf's internal packages or a udf type marked {@link Internal}; and every public top-level type of udf's main
 * code says which side of the wall it is on, {@link PublicEvolving} or {@link Internal}.
 */
class LibraryWallTest {

    private static final String UDF = "org.sentimentstream.udf..";
    private static final String[] INTERNAL_PACKAGES = {
        "org.sentimentstream.udf.internal..", "org.sentimentstream.udf.sql.internal.."
    };

    private static JavaClasses library;
    private static JavaClasses everything;

    @BeforeAll
    static void importClasses() throws IOException {
        Path root = Path.of("..").toAbsolutePath().normalize();
        Path udfClasses = root.resolve("udf/target/classes");
        assertThat(udfClasses).as("udf's classes (built before this module)").isDirectory();
        library = new ClassFileImporter().importPath(udfClasses);
        List<Path> outputs;
        try (Stream<Path> modules = Files.list(root)) {
            outputs = modules.flatMap(m -> Stream.of(m.resolve("target/classes"), m.resolve("target/test-classes")))
                    .filter(Files::isDirectory)
                    .filter(dir -> !dir.startsWith(root.resolve("udf/target/test-classes")))
                    .toList();
        }
        everything = new ClassFileImporter().importPaths(outputs);
        // the modules this one depends on are always built before it; the others (deploy, testcontainers) are in a
        // full build
        for (String module :
                List.of("org.sentimentstream.job", "org.sentimentstream.cli", "org.sentimentstream.bench")) {
            assertThat(everything.stream().anyMatch(c -> c.getPackageName().startsWith(module)))
                    .as("classes of %s imported from %s", module, outputs)
                    .isTrue();
        }
    }

    @Test
    void nothingOutsideUdfUsesItsInternalPackages() {
        ArchRule rule = noClasses()
                .that()
                .resideOutsideOfPackage(UDF)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(INTERNAL_PACKAGES)
                .because("udf's internal packages are not its API (issue 24): use the @PublicEvolving types");
        rule.check(everything);
    }

    @Test
    void nothingOutsideUdfUsesItsInternalTypes() {
        ArchRule rule = noClasses()
                .that()
                .resideOutsideOfPackage(UDF)
                .should()
                .dependOnClassesThat(resideInAPackage(UDF).and(annotatedWith(Internal.class)))
                .because("a udf type marked @Internal is public only for udf's own packages");
        rule.check(everything);
    }

    @Test
    void everyPublicUdfTypeSaysWhichSideOfTheWallItIsOn() {
        ArchRule rule = classes()
                .that()
                .arePublic()
                .and()
                .areTopLevelClasses()
                .should()
                .beAnnotatedWith(PublicEvolving.class)
                .orShould()
                .beAnnotatedWith(Internal.class)
                .because("udf's public API is what is marked @PublicEvolving; everything else is @Internal");
        rule.check(library);
    }

    @Test
    void publicTypesOfTheInternalPackagesAreInternal() {
        ArchRule rule = classes()
                .that()
                .resideInAnyPackage(INTERNAL_PACKAGES)
                .and()
                .arePublic()
                .and()
                .areTopLevelClasses()
                .should()
                .beAnnotatedWith(Internal.class);
        rule.check(library);
    }

    /** What the rules see: at least the library's public API (a sanity check on the import, not a rule). */
    @Test
    void theLibraryIsImported() {
        assertThat(library.stream()
                        .filter(c -> c.isAnnotatedWith(PublicEvolving.class))
                        .map(JavaClass::getSimpleName))
                .contains("SentimentScorer", "SentimentAsyncFunction", "SentimentFunction");
    }
}
