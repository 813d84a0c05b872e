package io.dynamosync.worker.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.dynamosync.testkit.LocalAws;
import io.dynamosync.testkit.LocalAwsExtension;
import io.dynamosync.testkit.browser.Chromium;
import io.dynamosync.worker.http.ApiKey;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The query console in a real browser: Debian's headless Chromium, driven through Debian's
 * chromedriver (nothing is downloaded). Skipped, saying why, where chromedriver is not installed.
 */
@ExtendWith(LocalAwsExtension.class)
class ConsoleIT {

    @Test
    void runsAQueryShowsItsRowsAndTheLiveStatus(LocalAws aws, @TempDir Path data, @TempDir Path profile)
            throws Exception {
        try (ServedWorker served = ServedWorker.start(aws, data, 30, Map.of(), ApiKey.of("console-key"))) {
            WebDriver browser = Chromium.start("the console's browser test", profile);
            try {
                WebDriverWait wait = new WebDriverWait(browser, Duration.ofSeconds(20));
                browser.get("http://127.0.0.1:" + served.port() + "/");

                wait.until(b -> b.findElement(By.id("status-phase")).getText().equals("Streaming"));
                assertThat(browser.findElement(By.id("collection")).getText()).isEqualTo("orders");
                assertThat(browser.findElement(By.id("status-documents")).getText())
                        .isEqualTo("30");
                String updated = browser.findElement(By.id("status-updated")).getText();
                wait.until(
                        b -> !b.findElement(By.id("status-updated")).getText().equals(updated));
                assertThat(browser.findElement(By.id("status-lag")).getText()).isEqualTo("0 ms");

                // The worker has a key: the page asks for it, then sends it.
                wait.until(b -> b.findElement(By.id("key-box")).isDisplayed());
                browser.findElement(By.id("api-key")).sendKeys("console-key");
                browser.findElement(By.id("save-key")).click();
                wait.until(b -> b.findElements(By.cssSelector("#schema li")).size() > 10);
                assertThat(browser.findElement(By.id("schema")).getText()).contains("customer", "VARCHAR[]");

                WebElement sql = browser.findElement(By.id("sql"));
                sql.clear();
                sql.sendKeys("SELECT \"order\", customer FROM orders WHERE \"order\" < 3 ORDER BY \"order\"");
                browser.findElement(By.id("run")).click();
                wait.until(
                        b -> b.findElements(By.cssSelector("#results tbody tr")).size() == 3);
                List<String> rows = browser.findElements(By.cssSelector("#results tbody tr")).stream()
                        .map(WebElement::getText)
                        .toList();
                assertThat(rows).containsExactly("0 cust-0|ünï", "1 cust-1", "2 cust-2");
                assertThat(browser.findElement(By.id("summary")).getText()).startsWith("3 rows");

                // Numbers keep every digit the worker sends, though a browser's numbers are doubles.
                sql.clear();
                sql.sendKeys("SELECT 12345678901234567890123456789012345678::HUGEINT AS n, "
                        + "'{\"m\": 1.2345678901234567890123456789012345678E-100}'::JSON AS doc");
                browser.findElement(By.id("run")).click();
                wait.until(
                        b -> b.findElements(By.cssSelector("#results tbody tr")).size() == 1);
                assertThat(browser.findElement(By.cssSelector("#results tbody tr"))
                                .getText())
                        .contains(
                                "12345678901234567890123456789012345678 ",
                                "{\"m\":0." + "0".repeat(99) + "12345678901234567890123456789012345678}");

                sql.clear();
                sql.sendKeys("DELETE FROM orders");
                browser.findElement(By.id("run")).click();
                wait.until(b -> b.findElement(By.id("error")).isDisplayed());
                assertThat(browser.findElement(By.id("error")).getText()).startsWith("QueryNotAllowed");
            } finally {
                browser.quit();
            }
        }
    }
}
