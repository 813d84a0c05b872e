package io.dynamosync.testkit.browser;

import io.dynamosync.testkit.tier.Tiers;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's headless Chromium driven through Debian's chromedriver, for the consoles' browser tests: nothing is
 * downloaded. A test tier: where either is missing the test is skipped saying why, and fails on CI (see
 * {@link Tiers}). Selenium is an optional dependency of the kit: a module using this adds {@code selenium-java}.
 */
public final class Chromium {

    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final File CHROMIUM = new File("/usr/bin/chromium");

    private Chromium() {}

    /** A new headless browser with its profile under {@code scratch}; {@code quit()} it when done. */
    public static WebDriver start(String test, Path scratch) throws IOException {
        Tiers.require(
                CHROMEDRIVER.canExecute() && CHROMIUM.canExecute(),
                test,
                CHROMEDRIVER + " or " + CHROMIUM
                        + " is missing (apt-get install chromium chromium-driver, as .ci/run does)");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--user-data-dir=" + Files.createDirectories(scratch.resolve("chromium")));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER)
                .usingAnyFreePort()
                .build();
        return new ChromeDriver(service, options);
    }
}
