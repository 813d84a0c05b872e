package io.dynamosync.operator.collection;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamosync.api.v1alpha1.AccessCheck;
import io.dynamosync.api.v1alpha1.Conditions;
import io.dynamosync.api.v1alpha1.Conditions.Reason;
import io.dynamosync.operator.aws.SdkAccessProbe;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessRulesTest {

    private static final String TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/Orders";
    private static final AccessCheck DESCRIBE = new AccessCheck("dynamodb:DescribeTable", TABLE_ARN, true, "Allowed.");
    private static final AccessCheck SCAN = new AccessCheck("dynamodb:Scan", TABLE_ARN, true, "Allowed.");

    private static AccessRules.Findings findings(
            boolean snapshot, boolean enablesStream, List<AccessCheck> checks, String viewType) {
        return new AccessRules.Findings(
                "Orders",
                "us-east-1",
                "prod",
                snapshot,
                enablesStream,
                "Scan",
                false,
                checks,
                viewType,
                false,
                false,
                false);
    }

    @Test
    void aStreamOnWithNewImagesAndEveryPermissionIsFoundAndStallsNothing() {
        AccessRules.Verdict verdict =
                AccessRules.judge(findings(false, false, List.of(DESCRIBE, SCAN), "NEW_AND_OLD_IMAGES"));

        assertThat(verdict.stall()).isEmpty();
        assertThat(verdict.stream()).hasValueSatisfying(c -> {
            assertThat(c.status()).isEqualTo(Conditions.TRUE);
            assertThat(c.reason()).isEqualTo(Reason.STREAM_FOUND);
            assertThat(c.unlessTrue())
                    .as("keeps the operator's own StreamTurnedOn")
                    .isTrue();
        });
    }

    @Test
    void aStreamOffStallsWithTheCommandAndSaysWhetherTheOperatorWasAllowed() {
        AccessRules.Verdict mine = AccessRules.judge(findings(false, false, List.of(DESCRIBE, SCAN), null));
        AccessRules.Verdict denied = AccessRules.judge(findings(false, true, List.of(DESCRIBE, SCAN), null));

        assertThat(mine.stall()).hasValueSatisfying(s -> {
            assertThat(s.reason()).isEqualTo(Reason.STREAM_OFF);
            assertThat(s.message())
                    .contains("aws dynamodb update-table --region us-east-1 --table-name Orders")
                    .contains("spec.enableStream: true");
        });
        assertThat(denied.stall().get().message()).contains("AWS denied the operator turning it on");
        assertThat(mine.stream().get().status()).isEqualTo(Conditions.FALSE);
    }

    @Test
    void aSnapshotNeedsNoStreamSoItsAbsenceNeitherStallsNorShows() {
        AccessRules.Verdict verdict = AccessRules.judge(findings(true, false, List.of(DESCRIBE, SCAN), null));

        assertThat(verdict.stall()).isEmpty();
        assertThat(verdict.stream()).as("StreamEnabled is cleared").isEmpty();
    }

    @Test
    void aKeysOnlyStreamIsRefusedWithHowToReplaceIt() {
        AccessRules.Verdict verdict = AccessRules.judge(findings(false, false, List.of(DESCRIBE, SCAN), "KEYS_ONLY"));

        assertThat(verdict.stall().get().reason()).isEqualTo(Reason.STREAM_VIEW_TYPE_UNSUITABLE);
        assertThat(verdict.stall().get().message()).contains("KEYS_ONLY").contains("StreamEnabled=false");
    }

    @Test
    void withoutDescribeTableTheStreamIsUnknownAndTheDenialStalls() {
        AccessCheck refused = new AccessCheck("dynamodb:DescribeTable", TABLE_ARN, false, "Denied.");
        AccessRules.Verdict verdict = AccessRules.judge(findings(false, false, List.of(refused, SCAN), null));

        assertThat(verdict.stream().get().status()).isEqualTo(Conditions.UNKNOWN);
        assertThat(verdict.stall().get().reason()).isEqualTo(Reason.ACCESS_DENIED);
        assertThat(verdict.stall().get().message()).contains("dynamodb:DescribeTable");
    }

    @Test
    void exportProblemsComeInTheOrderTheyAreBestFixed() {
        AccessCheck noBucket = new AccessCheck(
                "s3:PutObject", "arn:aws:s3:::gone/*", false, "Bucket gone: " + SdkAccessProbe.NO_SUCH_BUCKET);
        AccessCheck deniedPut = new AccessCheck("s3:PutObject", "arn:aws:s3:::b/*", false, "Denied.");
        List<AccessCheck> ok = List.of(DESCRIBE, SCAN);

        assertThat(AccessRules.judge(exporting(List.of(DESCRIBE, SCAN, noBucket, deniedPut), true, true))
                        .stall()
                        .get()
                        .reason())
                .isEqualTo(Reason.EXPORT_BUCKET_MISSING);
        assertThat(AccessRules.judge(exporting(List.of(DESCRIBE, SCAN, deniedPut), true, true))
                        .stall()
                        .get()
                        .reason())
                .isEqualTo(Reason.ACCESS_DENIED);
        assertThat(AccessRules.judge(exporting(ok, true, true)).stall().get().reason())
                .isEqualTo(Reason.POINT_IN_TIME_RECOVERY_OFF);
        assertThat(AccessRules.judge(exporting(ok, false, false)).stall().get().message())
                .contains("has no spec.s3.bucket");
        assertThat(AccessRules.judge(exporting(ok, false, true)).stall()).isEmpty();
    }

    private static AccessRules.Findings exporting(List<AccessCheck> checks, boolean recoveryMissing, boolean bucket) {
        return new AccessRules.Findings(
                "Orders",
                "us-east-1",
                "prod",
                false,
                false,
                "Export",
                bucket,
                checks,
                "NEW_AND_OLD_IMAGES",
                false,
                true,
                recoveryMissing);
    }
}
