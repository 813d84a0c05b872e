package io.dynamosync.operator.aws;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.dynamodb.model.StreamViewType;
import software.amazon.awssdk.services.dynamodb.model.UpdateTableResponse;

/** {@link StreamEnabler} with DynamoDB UpdateTable. */
public final class SdkStreamEnabler implements StreamEnabler {

    @Override
    public StreamChange enable(AwsAccount account, String table) {
        try {
            UpdateTableResponse response = account.dynamoDb()
                    .updateTable(r -> r.tableName(table)
                            .streamSpecification(
                                    s -> s.streamEnabled(true).streamViewType(StreamViewType.NEW_AND_OLD_IMAGES)));
            return new StreamChange(true, response.tableDescription().latestStreamArn(), null);
        } catch (AwsServiceException e) {
            if (e.statusCode() == 400
                            && e.awsErrorDetails() != null
                            && e.awsErrorDetails().errorCode().contains("AccessDenied")
                    || e.statusCode() == 403) {
                return new StreamChange(false, null, StsIdentityCheck.message(e));
            }
            throw new AwsUnavailableException("UpdateTable failed: " + StsIdentityCheck.message(e), e);
        } catch (SdkException e) {
            throw new AwsUnavailableException("UpdateTable could not be called: " + e.getMessage(), e);
        }
    }
}
