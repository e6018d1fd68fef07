# Locust peer of bench/loadtest/run.sh: FastHttpUser (geventhttpclient), GET / as fast as it can, no think time.
from locust import constant
from locust.contrib.fasthttp import FastHttpUser
from locust import task


class Hello(FastHttpUser):
    wait_time = constant(0)

    @task
    def hello(self):
        self.client.get("/")
